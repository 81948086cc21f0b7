package io.pushwire.server.asset;

/**
 * The newest frame that refers to an asset on one channel: while it is in the channel's
 * replay window, the asset is kept.
 *
 * @param channel the channel
 * @param epoch the stream's epoch when the frame was stored
 * @param cursor the frame's cursor
 * @since 0.1.0
 */
public record AssetReference(String channel, String epoch, long cursor) {

}

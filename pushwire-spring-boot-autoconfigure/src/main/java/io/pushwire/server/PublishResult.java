package io.pushwire.server;

/**
 * Where a published frame was stored in its channel's stream.
 *
 * @param channel the channel
 * @param cursor the frame's cursor
 * @param epoch the stream's epoch
 * @since 0.1.0
 */
public record PublishResult(String channel, long cursor, String epoch) {

}

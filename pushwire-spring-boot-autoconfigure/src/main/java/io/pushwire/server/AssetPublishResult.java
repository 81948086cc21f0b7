package io.pushwire.server;

import io.pushwire.core.Asset;

/**
 * A published asset (PROTOCOL.md §9): where its frame was stored, and the asset object
 * that is the frame's payload.
 *
 * @param published where the frame was stored
 * @param asset the asset, inline or by pointer
 * @since 0.1.0
 */
public record AssetPublishResult(PublishResult published, Asset asset) {

}

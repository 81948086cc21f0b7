/**
 * Binary assets (PROTOCOL.md §9): publishing them inline or by pointer, the
 * {@link io.pushwire.server.asset.AssetStore} SPI that keeps the bytes of pointer assets
 * (in memory or in a directory) and their retention, tied to the replay windows of the
 * frames that refer to them. {@code AssetStore}, its records and its two stores are API;
 * Internal: {@code AssetPublisher} and {@code AssetSettings}, which may change in any
 * release.
 */
@NullMarked
package io.pushwire.server.asset;

import org.jspecify.annotations.NullMarked;

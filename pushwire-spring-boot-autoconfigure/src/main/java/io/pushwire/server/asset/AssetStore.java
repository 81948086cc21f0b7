package io.pushwire.server.asset;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps the bytes of assets published by pointer (PROTOCOL.md §9), keyed by their
 * SHA-256, with what the download endpoint needs to answer for them: the MIME type and
 * the channels they were published on. The same bytes published twice are one asset.
 * <p>
 * A store holds at most a bounded number of bytes: {@link #save} answers {@code false}
 * when the asset does not fit, and the caller frees room by deleting assets that no
 * retained frame refers to any more, never one that is still referred to. Every method is
 * non-blocking; a store over a blocking medium does its I/O on a scheduler meant for it.
 * The in-memory store is the default, {@link DirectoryAssetStore} keeps the bytes in
 * files; a shared store lets every node of a cluster serve every asset.
 *
 * @since 0.1.0
 */
public interface AssetStore {

	/**
	 * Store an asset's bytes, unless it is already stored (then only the MIME type of the
	 * first save is kept).
	 * @param sha256 the SHA-256 of the bytes, lowercase hex
	 * @param mime the MIME type
	 * @param bytes the bytes
	 * @return {@code true} when the asset is stored (now or before), {@code false} when
	 * it does not fit in the store's bound
	 */
	Mono<Boolean> save(String sha256, String mime, byte[] bytes);

	/**
	 * Record that a frame refers to a stored asset; it replaces the reference of the same
	 * channel, which an older frame made.
	 * @param sha256 the asset
	 * @param reference the frame
	 * @return completes when recorded; completes too when the asset is not stored
	 */
	Mono<Void> reference(String sha256, AssetReference reference);

	/**
	 * What the store knows of an asset.
	 * @param sha256 the asset
	 * @return the asset, or empty when it is not stored
	 */
	Mono<StoredAsset> find(String sha256);

	/**
	 * An asset's bytes.
	 * @param sha256 the asset
	 * @return the bytes, or empty when it is not stored
	 */
	Mono<byte[]> read(String sha256);

	/**
	 * Every stored asset, to find those no frame refers to any more.
	 * @return the assets
	 */
	Flux<StoredAsset> assets();

	/**
	 * Delete an asset and free its bytes.
	 * @param sha256 the asset
	 * @return completes when deleted (or when it was not stored)
	 */
	Mono<Void> delete(String sha256);

	/**
	 * How many bytes the store holds.
	 * @return the bytes
	 */
	long storedBytes();

}

package io.pushwire.server.asset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The metadata of the assets of a store on this node and the bytes they reserve against
 * the store's bound. Thread-safe: every method holds the index's monitor, briefly, and no
 * I/O happens under it.
 */
final class AssetIndex {

	private final long maxBytes;

	private final Map<String, Entry> entries = new LinkedHashMap<>();

	private long bytes;

	AssetIndex(long maxBytes) {
		if (maxBytes <= 0) {
			throw new IllegalArgumentException("An asset store needs room for at least one byte");
		}
		this.maxBytes = maxBytes;
	}

	/**
	 * Reserve room for an asset.
	 * @param sha256 the asset
	 * @param mime its MIME type
	 * @param size its size
	 * @return {@code true} when it is new and reserved (the caller writes its bytes, then
	 * calls {@link #written}); {@code false} when it is known already; {@code null} when
	 * it does not fit
	 */
	synchronized @Nullable Boolean reserve(String sha256, String mime, long size) {
		if (this.entries.containsKey(sha256)) {
			return false;
		}
		if (size > this.maxBytes - this.bytes) {
			return null;
		}
		this.bytes += size;
		this.entries.put(sha256, new Entry(mime, size));
		return true;
	}

	synchronized void written(String sha256) {
		Entry entry = this.entries.get(sha256);
		if (entry != null) {
			entry.readable = true;
		}
	}

	synchronized boolean release(String sha256) {
		Entry entry = this.entries.remove(sha256);
		if (entry == null) {
			return false;
		}
		this.bytes -= entry.size;
		return true;
	}

	synchronized void reference(String sha256, AssetReference reference) {
		Entry entry = this.entries.get(sha256);
		if (entry != null) {
			entry.references.put(reference.channel(), reference);
		}
	}

	synchronized @Nullable StoredAsset find(String sha256) {
		Entry entry = this.entries.get(sha256);
		return (entry != null && entry.readable) ? entry.toAsset(sha256) : null;
	}

	synchronized List<StoredAsset> all() {
		List<StoredAsset> all = new ArrayList<>(this.entries.size());
		this.entries.forEach((sha256, entry) -> {
			if (entry.readable) {
				all.add(entry.toAsset(sha256));
			}
		});
		return all;
	}

	synchronized long bytes() {
		return this.bytes;
	}

	private static final class Entry {

		private final String mime;

		private final long size;

		/** One per channel: the newest frame on it replaces the older ones. */
		private final Map<String, AssetReference> references = new LinkedHashMap<>();

		private boolean readable;

		Entry(String mime, long size) {
			this.mime = mime;
			this.size = size;
		}

		StoredAsset toAsset(String sha256) {
			return new StoredAsset(sha256, this.mime, this.size, new ArrayList<>(this.references.values()));
		}

	}

}

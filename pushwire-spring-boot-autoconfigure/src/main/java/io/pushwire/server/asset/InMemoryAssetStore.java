package io.pushwire.server.asset;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The default {@link AssetStore}: the bytes on the heap of this node, at most
 * {@code maxBytes} of them ({@code pushwire.server.assets.max-stored-bytes}).
 *
 * @since 0.1.0
 */
public final class InMemoryAssetStore implements AssetStore {

	private final AssetIndex index;

	private final Map<String, byte[]> bytes = new ConcurrentHashMap<>();

	/**
	 * Create a store.
	 * @param maxBytes the most bytes it holds
	 */
	public InMemoryAssetStore(long maxBytes) {
		this.index = new AssetIndex(maxBytes);
	}

	@Override
	public Mono<Boolean> save(String sha256, String mime, byte[] bytes) {
		return Mono.fromSupplier(() -> {
			Boolean reserved = this.index.reserve(sha256, mime, bytes.length);
			if (reserved == null) {
				return false;
			}
			if (reserved) {
				this.bytes.put(sha256, bytes.clone());
				this.index.written(sha256);
			}
			return true;
		});
	}

	@Override
	public Mono<Void> reference(String sha256, AssetReference reference) {
		return Mono.fromRunnable(() -> this.index.reference(sha256, reference));
	}

	@Override
	public Mono<StoredAsset> find(String sha256) {
		return Mono.fromSupplier(() -> this.index.find(sha256));
	}

	@Override
	public Mono<byte[]> read(String sha256) {
		return Mono.fromSupplier(() -> (this.index.find(sha256) != null) ? this.bytes.get(sha256) : null);
	}

	@Override
	public Flux<StoredAsset> assets() {
		return Flux.defer(() -> Flux.fromIterable(this.index.all()));
	}

	@Override
	public Mono<Void> delete(String sha256) {
		return Mono.fromRunnable(() -> {
			if (this.index.release(sha256)) {
				this.bytes.remove(sha256);
			}
		});
	}

	@Override
	public long storedBytes() {
		return this.index.bytes();
	}

}

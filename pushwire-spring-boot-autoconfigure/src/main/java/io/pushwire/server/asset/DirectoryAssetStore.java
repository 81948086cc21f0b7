package io.pushwire.server.asset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.pushwire.core.Asset;

/**
 * An {@link AssetStore} that keeps the bytes in files of a directory
 * ({@code pushwire.server.assets.directory}), one {@code <sha256>.asset} per asset, off
 * the heap; at most {@code maxBytes} of them. File I/O runs on the bounded elastic
 * scheduler, never on an event loop. What it knows of the assets (MIME type, channels)
 * stays in this node's memory: files left by an earlier run are deleted at start, since
 * the frames that referred to them went with the in-memory streams of that run.
 *
 * @since 0.1.0
 */
public final class DirectoryAssetStore implements AssetStore {

	private static final String SUFFIX = ".asset";

	private final Path directory;

	private final AssetIndex index;

	/**
	 * Create a store, creating the directory if needed and deleting the asset files of an
	 * earlier run.
	 * @param directory the directory
	 * @param maxBytes the most bytes it holds
	 * @throws UncheckedIOException when the directory cannot be used
	 */
	public DirectoryAssetStore(Path directory, long maxBytes) {
		this.directory = directory;
		this.index = new AssetIndex(maxBytes);
		try {
			Files.createDirectories(directory);
			try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
				for (Path file : files) {
					String name = file.getFileName().toString();
					if (Asset.isSha256(name.substring(0, name.length() - SUFFIX.length()))) {
						Files.deleteIfExists(file);
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Cannot use " + directory + " for assets (pushwire.server.assets.directory): " + ex.getMessage(),
					ex);
		}
	}

	@Override
	public Mono<Boolean> save(String sha256, String mime, byte[] bytes) {
		return Mono.fromCallable(() -> {
			Boolean reserved = this.index.reserve(sha256, mime, bytes.length);
			if (reserved == null) {
				return false;
			}
			if (reserved) {
				try {
					Path temporary = Files.createTempFile(this.directory, sha256, ".part");
					Files.write(temporary, bytes);
					Files.move(temporary, file(sha256), StandardCopyOption.REPLACE_EXISTING,
							StandardCopyOption.ATOMIC_MOVE);
				}
				catch (IOException ex) {
					this.index.release(sha256);
					throw new UncheckedIOException("Cannot write asset " + sha256 + " to " + this.directory, ex);
				}
				this.index.written(sha256);
			}
			return true;
		}).subscribeOn(Schedulers.boundedElastic());
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
		return Mono.fromCallable(() -> {
			if (this.index.find(sha256) == null) {
				return null;
			}
			try {
				return Files.readAllBytes(file(sha256));
			}
			catch (java.nio.file.NoSuchFileException ex) {
				// Deleted meanwhile.
				return null;
			}
		}).subscribeOn(Schedulers.boundedElastic());
	}

	@Override
	public Flux<StoredAsset> assets() {
		return Flux.defer(() -> Flux.fromIterable(this.index.all()));
	}

	@Override
	public Mono<Void> delete(String sha256) {
		return Mono.<Void>fromCallable(() -> {
			if (this.index.release(sha256)) {
				Files.deleteIfExists(file(sha256));
			}
			return null;
		}).subscribeOn(Schedulers.boundedElastic());
	}

	@Override
	public long storedBytes() {
		return this.index.bytes();
	}

	private Path file(String sha256) {
		return this.directory.resolve(sha256 + SUFFIX);
	}

}

package io.pushwire.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.pushwire.core.ResumeToken;

/**
 * A {@link CursorStore} in a small text file: the client id on the first line, the
 * positions as a resume token (PROTOCOL.md §11) on the second. Written to a temporary
 * file and moved into place, so a crash leaves the old or the new content, never half of
 * one. File I/O runs on {@code boundedElastic}, never on an event loop.
 *
 * @since 0.2.0
 */
public final class FileCursorStore implements CursorStore {

	private final Path path;

	private final java.util.concurrent.atomic.AtomicLong saves = new java.util.concurrent.atomic.AtomicLong();

	/** The number of the newest snapshot written; guarded by this store's monitor. */
	private long written;

	/**
	 * Create a store.
	 * @param path the file (its directory is created when missing)
	 */
	public FileCursorStore(Path path) {
		this.path = path;
	}

	@Override
	public Mono<Snapshot> load() {
		return Mono.fromCallable(() -> {
			if (!Files.exists(this.path)) {
				return null;
			}
			String[] lines = Files.readString(this.path, StandardCharsets.UTF_8).split("\n", -1);
			String clientId = (lines.length > 0 && !lines[0].isBlank()) ? lines[0].trim() : null;
			Map<String, ResumeToken.Position> positions = (lines.length > 1)
					? ResumeToken.parse(lines[1].trim()).positions() : Map.of();
			return new Snapshot(clientId, positions);
		}).subscribeOn(Schedulers.boundedElastic());
	}

	@Override
	public Mono<Void> save(Snapshot snapshot) {
		// Numbered when asked for: writes run on other threads in any order, and an older
		// snapshot
		// must never replace a newer one, nor two writes share the temporary file.
		long sequence = this.saves.incrementAndGet();
		return Mono.<Void>fromRunnable(() -> write(snapshot, sequence)).subscribeOn(Schedulers.boundedElastic());
	}

	private synchronized void write(Snapshot snapshot, long sequence) {
		if (sequence < this.written) {
			return;
		}
		this.written = sequence;
		try {
			Path parent = this.path.toAbsolutePath().getParent();
			if (parent != null) {
				Files.createDirectories(parent);
			}
			Path temp = this.path.resolveSibling(this.path.getFileName() + ".tmp");
			String content = ((snapshot.clientId() != null) ? snapshot.clientId() : "") + "\n"
					+ ResumeToken.format(snapshot.positions()) + "\n";
			Files.writeString(temp, content, StandardCharsets.UTF_8);
			Files.move(temp, this.path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(
					"Cannot write the cursor store " + this.path + "; check pushwire.client.cursor-store-path", ex);
		}
	}

}

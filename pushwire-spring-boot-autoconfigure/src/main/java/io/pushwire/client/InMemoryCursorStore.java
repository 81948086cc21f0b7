package io.pushwire.client;

import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Mono;

/**
 * A {@link CursorStore} in memory.
 */
final class InMemoryCursorStore implements CursorStore {

	private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

	@Override
	public Mono<Snapshot> load() {
		return Mono.fromSupplier(this.snapshot::get);
	}

	@Override
	public Mono<Void> save(Snapshot snapshot) {
		return Mono.fromRunnable(() -> this.snapshot.set(snapshot));
	}

}

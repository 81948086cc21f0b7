package io.pushwire.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import io.pushwire.core.ResumeToken;

/**
 * Where a {@link PushClient} keeps its client id and per-channel positions, so that a
 * restarted process resumes where it stopped. The client loads once on its first
 * {@code connect()} and saves at most every {@code cursor-store-flush} and on
 * {@code disconnect()}.
 *
 * @since 0.2.0
 */
public interface CursorStore {

	/**
	 * Load what was saved.
	 * @return the saved state, or empty when nothing was saved
	 */
	Mono<Snapshot> load();

	/**
	 * Save the state, replacing what was saved.
	 * @param snapshot the state
	 * @return completes when saved
	 */
	Mono<Void> save(Snapshot snapshot);

	/**
	 * A store in memory: survives reconnects, not restarts.
	 * @return a new store
	 */
	static CursorStore inMemory() {
		return new InMemoryCursorStore();
	}

	/**
	 * What a store keeps.
	 *
	 * @param clientId the client id, or {@code null}
	 * @param positions per channel, the last cursor delivered and its epoch
	 */
	record Snapshot(@Nullable String clientId, Map<String, ResumeToken.Position> positions) {

		public Snapshot {
			positions = Map.copyOf(positions);
		}

	}

}

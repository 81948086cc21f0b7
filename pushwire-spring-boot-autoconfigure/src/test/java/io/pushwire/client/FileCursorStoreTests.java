package io.pushwire.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import io.pushwire.core.ResumeToken;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FileCursorStore}.
 */
class FileCursorStoreTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	@Test
	void loadsNothingBeforeTheFirstSave(@TempDir Path directory) {
		StepVerifier.create(new FileCursorStore(directory.resolve("none.txt")).load()).expectComplete().verify(WAIT);
	}

	@Test
	void savesAndLoadsTheClientIdAndPositions(@TempDir Path directory) {
		Path file = directory.resolve("sub/cursors.txt");
		Map<String, ResumeToken.Position> positions = new LinkedHashMap<>();
		positions.put("chat:room-42", new ResumeToken.Position(17, "Xb3k"));
		positions.put("news", new ResumeToken.Position(3, null));
		CursorStore.Snapshot snapshot = new CursorStore.Snapshot("6b1f3b7e-1d1a-4c8e-9a51-6f0e8f7d2c11", positions);
		StepVerifier.create(new FileCursorStore(file).save(snapshot)).expectComplete().verify(WAIT);
		assertThat(file).exists();
		assertThat(Files.exists(file.resolveSibling("cursors.txt.tmp"))).isFalse();
		StepVerifier.create(new FileCursorStore(file).load()).expectNext(snapshot).expectComplete().verify(WAIT);
	}

	@Test
	void aSaveThatRunsAfterANewerOneDoesNotOverwriteIt(@TempDir Path directory) {
		Path file = directory.resolve("cursors.txt");
		FileCursorStore store = new FileCursorStore(file);
		CursorStore.Snapshot older = new CursorStore.Snapshot("6b1f3b7e-1d1a-4c8e-9a51-6f0e8f7d2c11",
				Map.of("news", new ResumeToken.Position(3, "Q1pz")));
		CursorStore.Snapshot newer = new CursorStore.Snapshot("6b1f3b7e-1d1a-4c8e-9a51-6f0e8f7d2c11",
				Map.of("news", new ResumeToken.Position(4, "Q1pz")));
		reactor.core.publisher.Mono<Void> first = store.save(older);
		reactor.core.publisher.Mono<Void> second = store.save(newer);
		// The two writes are scheduled separately and may run in either order.
		StepVerifier.create(second).expectComplete().verify(WAIT);
		StepVerifier.create(first).expectComplete().verify(WAIT);
		StepVerifier.create(store.load()).expectNext(newer).expectComplete().verify(WAIT);
	}

	@Test
	void concurrentSavesNeverCollideOnTheTemporaryFile(@TempDir Path directory) {
		FileCursorStore store = new FileCursorStore(directory.resolve("cursors.txt"));
		java.util.List<reactor.core.publisher.Mono<Void>> saves = new java.util.ArrayList<>();
		for (int i = 1; i <= 64; i++) {
			saves.add(store.save(new CursorStore.Snapshot(null, Map.of("news", new ResumeToken.Position(i, "Q1pz")))));
		}
		StepVerifier.create(reactor.core.publisher.Mono.when(saves)).expectComplete().verify(WAIT);
		StepVerifier.create(store.load())
			.expectNext(new CursorStore.Snapshot(null, Map.of("news", new ResumeToken.Position(64, "Q1pz"))))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void concurrentSavesAllSucceedAndLeaveOneOfTheSnapshots(@TempDir Path directory) {
		// A client saves on its flush timer, when a connection ends and on disconnect(),
		// possibly at
		// once: they must not trip over one another's temporary file.
		Path file = directory.resolve("cursors.txt");
		FileCursorStore store = new FileCursorStore(file);
		StepVerifier
			.create(Flux.range(1, 200)
				.flatMap((n) -> store
					.save(new CursorStore.Snapshot("client-" + n, Map.of("chat:a", new ResumeToken.Position(n, "e")))),
						200)
				.then())
			.expectComplete()
			.verify(WAIT);
		StepVerifier.create(store.load())
			.assertNext((snapshot) -> assertThat(snapshot.clientId()).startsWith("client-"))
			.expectComplete()
			.verify(WAIT);
		assertThat(Files.exists(file.resolveSibling("cursors.txt.tmp"))).isFalse();
	}

}

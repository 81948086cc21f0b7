package io.pushwire.server.asset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The directory store: bytes in files, the same bound and bookkeeping as the in-memory
 * store, and the files of an earlier run deleted at start.
 */
class DirectoryAssetStoreTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String A = "a".repeat(64);

	private static final String B = "b".repeat(64);

	@TempDir
	Path directory;

	@Test
	void keepsBytesInFilesWithinItsBound() {
		DirectoryAssetStore store = new DirectoryAssetStore(this.directory, 10);
		StepVerifier.create(store.save(A, "image/png", new byte[] { 1, 2, 3, 4, 5, 6 }))
			.expectNext(true)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(this.directory.resolve(A + ".asset")).exists().hasBinaryContent(new byte[] { 1, 2, 3, 4, 5, 6 });
		// Known already: no new room needed.
		StepVerifier.create(store.save(A, "image/gif", new byte[] { 1, 2, 3, 4, 5, 6 }))
			.expectNext(true)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(store.save(B, "image/png", new byte[5])).expectNext(false).expectComplete().verify(TIMEOUT);
		assertThat(store.storedBytes()).isEqualTo(6);
		StepVerifier
			.create(store.reference(A, new AssetReference("pics:x", "e1", 3))
				.then(store.reference(A, new AssetReference("pics:x", "e1", 4)))
				.then(store.find(A)))
			.assertNext((asset) -> {
				assertThat(asset.mime()).isEqualTo("image/png");
				assertThat(asset.size()).isEqualTo(6);
				assertThat(asset.references()).containsExactly(new AssetReference("pics:x", "e1", 4));
			})
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(store.read(A))
			.assertNext((bytes) -> assertThat(bytes).containsExactly(1, 2, 3, 4, 5, 6))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(store.delete(A).then(store.find(A))).expectComplete().verify(TIMEOUT);
		assertThat(this.directory.resolve(A + ".asset")).doesNotExist();
		assertThat(store.storedBytes()).isZero();
		StepVerifier.create(store.save(B, "image/png", new byte[5])).expectNext(true).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.assets().map(StoredAsset::sha256).collectList())
			.expectNext(List.of(B))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void deletesTheAssetFilesOfAnEarlierRunAtStart() throws IOException {
		Files.write(this.directory.resolve(A + ".asset"), new byte[] { 1 });
		Files.write(this.directory.resolve("notes.txt"), new byte[] { 1 });
		DirectoryAssetStore store = new DirectoryAssetStore(this.directory, 10);
		assertThat(this.directory.resolve(A + ".asset")).doesNotExist();
		assertThat(this.directory.resolve("notes.txt")).exists();
		StepVerifier.create(store.read(A)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void inMemoryStoreHasTheSameBound() {
		InMemoryAssetStore store = new InMemoryAssetStore(10);
		StepVerifier.create(store.save(A, "image/png", new byte[8])).expectNext(true).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.save(B, "image/png", new byte[3])).expectNext(false).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.delete(A).then(store.save(B, "image/png", new byte[3])))
			.expectNext(true)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(store.storedBytes()).isEqualTo(3);
	}

}

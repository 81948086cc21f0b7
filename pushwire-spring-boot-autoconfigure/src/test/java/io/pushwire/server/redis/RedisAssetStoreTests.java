package io.pushwire.server.redis;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.pushwire.core.Asset;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.asset.AssetReference;
import io.pushwire.server.asset.StoredAsset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisAssetStore} on a real Redis: two stores on one Redis stand for two nodes;
 * the bound holds across them; an asset saved or referenced within the protection is not
 * deleted; a Redis that cannot be reached answers {@code unavailable}.
 */
class RedisAssetStoreTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static LettuceConnectionFactory connectionFactory;

	@BeforeAll
	static void connect() {
		RedisTestServer redis = RedisTestServer.shared();
		connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		connectionFactory.afterPropertiesSet();
		connectionFactory.start();
	}

	@AfterAll
	static void disconnect() {
		connectionFactory.destroy();
	}

	private static RedisStoreSettings settings(String prefix) {
		return new RedisStoreSettings(prefix, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofDays(1));
	}

	private static String prefix() {
		return "test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
	}

	@Test
	void assetSavedByOneNodeIsFoundAndReadByAnother() {
		String prefix = prefix();
		RedisAssetStore first = new RedisAssetStore(connectionFactory, settings(prefix), 1 << 20, Duration.ZERO);
		RedisAssetStore second = new RedisAssetStore(connectionFactory, settings(prefix), 1 << 20, Duration.ZERO);
		byte[] bytes = bytes(300 * 1024, 11);
		String sha256 = Asset.sha256Hex(bytes);
		StepVerifier.create(first.save(sha256, "image/png", bytes)).expectNext(true).expectComplete().verify(WAIT);
		StepVerifier.create(first.reference(sha256, new AssetReference("pics:a", "e1", 7)))
			.expectComplete()
			.verify(WAIT);
		// The same bytes again, from the other node: one asset, no more room taken.
		StepVerifier.create(second.save(sha256, "image/jpeg", bytes)).expectNext(true).expectComplete().verify(WAIT);
		StepVerifier.create(second.reference(sha256, new AssetReference("pics:b", "e2", 3)))
			.expectComplete()
			.verify(WAIT);
		assertThat(second.storedBytes()).isEqualTo(bytes.length);
		StoredAsset found = second.find(sha256).block(WAIT);
		assertThat(found).isNotNull();
		assertThat(found.mime()).isEqualTo("image/png");
		assertThat(found.size()).isEqualTo(bytes.length);
		assertThat(found.references()).containsExactlyInAnyOrder(new AssetReference("pics:a", "e1", 7),
				new AssetReference("pics:b", "e2", 3));
		assertThat(second.read(sha256).block(WAIT)).isEqualTo(bytes);
		assertThat(first.assets().collectList().block(WAIT)).containsExactly(found);
		StepVerifier.create(first.find("0".repeat(64))).expectComplete().verify(WAIT);
		StepVerifier.create(first.read("0".repeat(64))).expectComplete().verify(WAIT);
	}

	@Test
	void saveThatDoesNotFitTheClusterWideBoundAnswersFalseAndStoresNothing() {
		String prefix = prefix();
		RedisAssetStore first = new RedisAssetStore(connectionFactory, settings(prefix), 10_000, Duration.ZERO);
		RedisAssetStore second = new RedisAssetStore(connectionFactory, settings(prefix), 10_000, Duration.ZERO);
		byte[] one = bytes(6000, 12);
		byte[] two = bytes(6000, 13);
		StepVerifier.create(first.save(Asset.sha256Hex(one), "image/png", one))
			.expectNext(true)
			.expectComplete()
			.verify(WAIT);
		StepVerifier.create(second.save(Asset.sha256Hex(two), "image/png", two))
			.expectNext(false)
			.expectComplete()
			.verify(WAIT);
		assertThat(second.storedBytes()).isEqualTo(6000);
		StepVerifier.create(second.find(Asset.sha256Hex(two))).expectComplete().verify(WAIT);
		StepVerifier.create(second.read(Asset.sha256Hex(two))).expectComplete().verify(WAIT);
		// Deleting the first frees its room for the second.
		StepVerifier.create(second.delete(Asset.sha256Hex(one))).expectComplete().verify(WAIT);
		assertThat(second.storedBytes()).isZero();
		StepVerifier.create(first.read(Asset.sha256Hex(one))).expectComplete().verify(WAIT);
		StepVerifier.create(second.save(Asset.sha256Hex(two), "image/png", two))
			.expectNext(true)
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void assetSavedWithinTheProtectionIsKeptByDelete() {
		String prefix = prefix();
		RedisAssetStore publishing = new RedisAssetStore(connectionFactory, settings(prefix), 1 << 20,
				Duration.ofHours(1));
		RedisAssetStore unprotected = new RedisAssetStore(connectionFactory, settings(prefix), 1 << 20, Duration.ZERO);
		byte[] bytes = bytes(5000, 14);
		String sha256 = Asset.sha256Hex(bytes);
		StepVerifier.create(publishing.save(sha256, "image/png", bytes)).expectNext(true).expectComplete().verify(WAIT);
		StepVerifier.create(publishing.delete(sha256)).expectComplete().verify(WAIT);
		assertThat(publishing.read(sha256).block(WAIT)).isEqualTo(bytes);
		assertThat(publishing.storedBytes()).isEqualTo(5000);
		StepVerifier.create(unprotected.delete(sha256)).expectComplete().verify(WAIT);
		StepVerifier.create(publishing.find(sha256)).expectComplete().verify(WAIT);
		assertThat(unprotected.storedBytes()).isZero();
	}

	@Test
	void unreachableRedisAnswersUnavailableWithinTheCommandTimeout() {
		try (RedisTestServer redis = RedisTestServer.startDedicated()) {
			LettuceConnectionFactory factory = new LettuceConnectionFactory(
					new RedisStandaloneConfiguration(redis.host(), redis.port()));
			factory.afterPropertiesSet();
			factory.start();
			try {
				RedisAssetStore store = new RedisAssetStore(factory, new RedisStoreSettings("pushwire:",
						Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofDays(1)), 1 << 20, Duration.ZERO);
				StepVerifier.create(store.find("0".repeat(64))).expectComplete().verify(WAIT);
				redis.stop();
				for (Mono<?> command : List.<Mono<?>>of(store.save("1".repeat(64), "image/png", new byte[10]),
						store.find("1".repeat(64)), store.read("1".repeat(64)))) {
					StepVerifier.create(command)
						.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(ProtocolException.class,
								(protocol) -> assertThat(protocol.code()).isEqualTo(ErrorCode.UNAVAILABLE)))
						.verify(Duration.ofSeconds(5));
				}
			}
			finally {
				factory.destroy();
			}
		}
	}

	static byte[] bytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}

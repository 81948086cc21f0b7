package io.pushwire.autoconfigure.redis;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.pushwire.autoconfigure.InvalidPushwirePropertyException;
import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.server.asset.AssetStore;
import io.pushwire.server.asset.InMemoryAssetStore;
import io.pushwire.server.redis.RedisAssetStore;
import io.pushwire.server.redis.RedisChannelStore;
import io.pushwire.server.redis.RedisStoreSettings;
import io.pushwire.server.redis.RedisTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asset store that {@link PushwireRedisAutoConfiguration} contributes with
 * {@code pushwire.server.store=redis}, and when it steps aside; the channel store's
 * pub/sub ({@code pushwire.server.redis.pub-sub}).
 */
class PushwireRedisAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireRedisAutoConfiguration.class,
				PushwireServerAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withUserConfiguration(RedisConnection.class);

	@Test
	void assetsAreKeptInRedisWithTheRedisStore() {
		this.contextRunner.withPropertyValues("pushwire.server.store=redis")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(AssetStore.class)
				.isInstanceOf(RedisAssetStore.class));
	}

	@Test
	void assetsStayInMemoryWithTheMemoryStore() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.getBean(AssetStore.class)
			.isInstanceOf(InMemoryAssetStore.class));
	}

	@Test
	void applicationsOwnAssetStoreWins() {
		this.contextRunner.withPropertyValues("pushwire.server.store=redis")
			.withUserConfiguration(OwnAssetStore.class)
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(AssetStore.class)
				.isSameAs(context.getBean(OwnAssetStore.class).store));
	}

	@Test
	void assetDirectoryWithTheRedisStoreFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("pushwire.server.store=redis", "pushwire.server.assets.directory=/tmp/x")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pushwire.server.assets.directory")
				.hasMessageContaining("pushwire.server.store=redis"));
	}

	@Test
	void shardedPubSubStartsOnARedisThatRunsIt() {
		this.contextRunner.withPropertyValues("pushwire.server.store=redis", "pushwire.server.redis.pub-sub=sharded")
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(RedisChannelStore.class)
				.extracting((store) -> store.pubSub().block(Duration.ofSeconds(10)))
				.isEqualTo(RedisStoreSettings.PubSub.SHARDED));
	}

	@Test
	void shardedPubSubOnARedisWithoutItFailsNamingTheProperty() {
		try (RedisTestServer redis = RedisTestServer.startDedicated("--rename-command", "SPUBLISH", "")) {
			onRedis(redis).withPropertyValues("pushwire.server.store=redis", "pushwire.server.redis.pub-sub=sharded")
				.run((context) -> {
					assertThat(context).hasFailed();
					Throwable failure = context.getStartupFailure();
					while (failure != null && !(failure instanceof InvalidPushwirePropertyException)) {
						failure = failure.getCause();
					}
					assertThat(failure).isInstanceOf(InvalidPushwirePropertyException.class)
						.hasMessageContaining("pushwire.server.redis.pub-sub")
						.hasMessageContaining("Unknown Redis command");
					assertThat(((InvalidPushwirePropertyException) failure).getProperty())
						.isEqualTo("pushwire.server.redis.pub-sub");
				});
		}
	}

	@Test
	void autoPubSubOnARedisWithoutShardedPubSubStartsWithClassicPubSub() {
		try (RedisTestServer redis = RedisTestServer.startDedicated("--rename-command", "SPUBLISH", "")) {
			onRedis(redis).withPropertyValues("pushwire.server.store=redis")
				.run((context) -> assertThat(context).hasNotFailed()
					.getBean(RedisChannelStore.class)
					.extracting((store) -> store.pubSub().block(Duration.ofSeconds(10)))
					.isEqualTo(RedisStoreSettings.PubSub.CLASSIC));
		}
	}

	/**
	 * The auto-configurations on a Redis server of the test's own.
	 * @param redis the server
	 * @return the runner
	 */
	private static ReactiveWebApplicationContextRunner onRedis(RedisTestServer redis) {
		return new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PushwireRedisAutoConfiguration.class,
					PushwireServerAutoConfiguration.class, JacksonAutoConfiguration.class))
			.withBean(LettuceConnectionFactory.class,
					() -> new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port())));
	}

	@Configuration(proxyBeanMethods = false)
	static class RedisConnection {

		@Bean
		LettuceConnectionFactory redisConnectionFactory() {
			RedisTestServer redis = RedisTestServer.shared();
			return new LettuceConnectionFactory(new RedisStandaloneConfiguration(redis.host(), redis.port()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnAssetStore {

		final AssetStore store = new InMemoryAssetStore(1024);

		@Bean
		AssetStore ownAssetStore() {
			return this.store;
		}

	}

}

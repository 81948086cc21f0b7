package io.pushwire.autoconfigure.redis;

import java.time.Clock;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;

import io.pushwire.autoconfigure.InvalidPushwirePropertyException;
import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.autoconfigure.PushwireServerProperties;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.asset.AssetStore;
import io.pushwire.server.redis.RedisAssetStore;
import io.pushwire.server.redis.RedisChannelStore;
import io.pushwire.server.redis.RedisStoreSettings;
import io.pushwire.server.stream.ChannelHub;
import io.pushwire.server.stream.ChannelStore;
import io.pushwire.server.stream.ChannelStreamStore;

/**
 * The Redis store ({@code pushwire.server.store=redis}): channel streams and their live
 * fan-out in the Redis that Spring Boot connects to ({@code spring.data.redis.*}), so
 * that several nodes share their channels (PROTOCOL.md §13). Runs before
 * {@link PushwireServerAutoConfiguration}, whose in-memory store then steps aside, and
 * after Spring Boot's reactive Redis auto-configuration, whose
 * {@link ReactiveRedisConnectionFactory} it uses. With {@code store=redis} and no Spring
 * Data Redis on the classpath the application fails to start, naming the property and the
 * dependency to add.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = PushwireServerAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnBooleanProperty(name = "pushwire.server.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "pushwire.server.store", havingValue = "redis")
@EnableConfigurationProperties(PushwireServerProperties.class)
public final class PushwireRedisAutoConfiguration {

	private static final Log logger = LogFactory.getLog(PushwireRedisAutoConfiguration.class);

	/**
	 * The store's beans, with Spring Data Redis on the classpath.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactiveRedisConnectionFactory.class)
	static class RedisStoreConfiguration {

		/**
		 * An asset is kept this many command timeouts after it was saved or referenced:
		 * longer than a publish on another node takes (save, publish, reference, each
		 * bounded by the timeout).
		 */
		private static final int ASSET_PROTECTION_TIMEOUTS = 4;

		@Bean(destroyMethod = "dispose")
		@ConditionalOnMissingBean({ ChannelStore.class, ChannelStreamStore.class })
		RedisChannelStore pushwireRedisChannelStore(ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory,
				ObjectProvider<ChannelHub> hub, ObjectProvider<ProtocolCodec> codec,
				PushwireServerProperties properties) {
			ReactiveRedisConnectionFactory factory = connectionFactory.getIfAvailable();
			if (factory == null) {
				throw new InvalidPushwirePropertyException("pushwire.server.store", "redis",
						"needs a ReactiveRedisConnectionFactory bean: keep Spring Boot's Redis auto-configuration "
								+ "(spring.data.redis.*) or declare one");
			}
			RedisStoreSettings settings = settings(properties);
			RedisChannelStore store = new RedisChannelStore(factory, hub.getObject(),
					codec.getIfAvailable(ProtocolCodec::new), Clock.systemUTC(), settings);
			if (settings.pubSub() == RedisStoreSettings.PubSub.SHARDED) {
				requireSharded(store, settings);
			}
			return store;
		}

		// pub-sub=sharded where it cannot work stops the application. On the main
		// thread, at startup, so waiting (at most two command timeouts) blocks no event
		// loop. A Redis that cannot be reached now is not a verdict: the store decides
		// when it can, and fails every publish and subscribe with the same message.
		private static void requireSharded(RedisChannelStore store, RedisStoreSettings settings) {
			try {
				store.pubSub()
					.toFuture()
					.get(settings.commandTimeout().multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException ex) {
				if (ex.getCause() instanceof UnsupportedOperationException unsupported) {
					store.dispose();
					throw new InvalidPushwirePropertyException("pushwire.server.redis.pub-sub", "sharded",
							"cannot be used here: " + unsupported.getMessage(), unsupported);
				}
				logger.warn("Could not check that Redis runs sharded pub/sub (pushwire.server.redis.pub-sub=sharded); "
						+ "checked again on first use", ex.getCause());
			}
			catch (TimeoutException ex) {
				logger.warn("Could not check in time that Redis runs sharded pub/sub "
						+ "(pushwire.server.redis.pub-sub=sharded); checked again on first use");
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		/**
		 * Assets by pointer in Redis, so that every node serves every asset. An
		 * application's own {@link AssetStore} bean wins.
		 * @param connectionFactory the connections to Redis
		 * @param properties the server properties
		 * @return the store
		 */
		@Bean
		@ConditionalOnMissingBean(AssetStore.class)
		RedisAssetStore pushwireRedisAssetStore(ObjectProvider<ReactiveRedisConnectionFactory> connectionFactory,
				PushwireServerProperties properties) {
			PushwireServerProperties.Assets assets = properties.getAssets();
			String directory = assets.getDirectory();
			if (directory != null && !directory.isBlank()) {
				throw new InvalidPushwirePropertyException("pushwire.server.assets.directory", directory,
						"cannot be used with pushwire.server.store=redis: a directory is one node's, and the other "
								+ "nodes could not serve its assets; remove it (assets are then kept in Redis) or "
								+ "declare an AssetStore bean that every node shares");
			}
			ReactiveRedisConnectionFactory factory = connectionFactory.getIfAvailable();
			if (factory == null) {
				throw new InvalidPushwirePropertyException("pushwire.server.store", "redis",
						"needs a ReactiveRedisConnectionFactory bean: keep Spring Boot's Redis auto-configuration "
								+ "(spring.data.redis.*) or declare one");
			}
			RedisStoreSettings settings = settings(properties);
			return new RedisAssetStore(factory, settings, assets.getMaxStoredBytes().toBytes(),
					settings.commandTimeout().multipliedBy(ASSET_PROTECTION_TIMEOUTS));
		}

		private static RedisStoreSettings settings(PushwireServerProperties properties) {
			PushwireServerProperties.Redis redis = properties.getRedis();
			try {
				return new RedisStoreSettings(redis.getKeyPrefix(), redis.getCommandTimeout(),
						redis.getCatchUpInterval(), redis.getStreamExpiry(), redis.getPubSub());
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(ex.getMessage(), ex);
			}
		}

	}

	/**
	 * Without Spring Data Redis: a startup failure that says what to add.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.data.redis.connection.ReactiveRedisConnectionFactory")
	static class MissingRedisConfiguration {

		@Bean
		Object pushwireRedisStoreMissing() {
			throw new InvalidPushwirePropertyException("pushwire.server.store", "redis",
					"needs Spring Data Redis and Lettuce on the classpath: add the dependency "
							+ "org.springframework.boot:spring-boot-starter-data-redis-reactive");
		}

	}

}

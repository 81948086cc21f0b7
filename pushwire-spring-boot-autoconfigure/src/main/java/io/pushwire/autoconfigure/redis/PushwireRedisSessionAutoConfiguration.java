package io.pushwire.autoconfigure.redis;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;

import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.autoconfigure.PushwireServerProperties;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.PresenceRegistry;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.redis.RedisNodeDirectory;
import io.pushwire.server.redis.RedisPresenceReplica;
import io.pushwire.server.redis.RedisSessionRegistry;

/**
 * Sessions and presence shared by every node on one Redis, with
 * {@code pushwire.server.store=redis} and Spring Data Redis on the classpath: this node's
 * {@link RedisNodeDirectory} (lease, clean-up of dead nodes, node-to-node messages), the
 * {@link RedisSessionRegistry} and a {@link PresenceRegistry} whose memberships a
 * {@link RedisPresenceReplica} shares. The Redis connection is Spring Boot's
 * ({@code spring.data.redis.*}). Applied before {@link PushwireServerAutoConfiguration},
 * whose in-memory session registry and presence registry then back off.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = PushwireServerAutoConfiguration.class,
		afterName = { "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
				"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ ReactiveRedisConnectionFactory.class, ReactiveStringRedisTemplate.class })
@ConditionalOnBooleanProperty(name = "pushwire.server.enabled", matchIfMissing = true)
@ConditionalOnProperty(name = "pushwire.server.store", havingValue = "redis")
@EnableConfigurationProperties(PushwireServerProperties.class)
public final class PushwireRedisSessionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RedisNodeDirectory pushwireRedisNodeDirectory(ReactiveRedisConnectionFactory connectionFactory,
			PushwireServerProperties properties) {
		PushwireServerProperties.Redis redis = properties.getRedis();
		try {
			return new RedisNodeDirectory(new ReactiveStringRedisTemplate(connectionFactory),
					new ReactiveRedisMessageListenerContainer(connectionFactory), redis.getNodeHeartbeat(),
					redis.getNodeTtl());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean(SessionRegistry.class)
	RedisSessionRegistry pushwireRedisSessionRegistry(RedisNodeDirectory directory, ChannelRegistry channels,
			ProtocolCodec codec, PushwireServerProperties properties) {
		try {
			return new RedisSessionRegistry(directory, channels, codec, properties.getSessionTtl(),
					properties.getMaxSessionsPerPrincipal(), properties.getMaxConnectionsPerPrincipal());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	RedisPresenceReplica pushwireRedisPresenceReplica(RedisNodeDirectory directory, ChannelRegistry channels) {
		return new RedisPresenceReplica(directory, channels);
	}

	@Bean
	@ConditionalOnMissingBean
	PresenceRegistry pushwirePresenceRegistry(ProtocolCodec codec, RedisPresenceReplica replica) {
		PresenceRegistry registry = new PresenceRegistry(codec, replica);
		replica.deliverTo(registry);
		return registry;
	}

}

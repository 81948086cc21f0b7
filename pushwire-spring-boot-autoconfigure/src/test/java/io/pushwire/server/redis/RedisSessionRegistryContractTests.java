package io.pushwire.server.redis;

import java.time.Duration;
import java.util.List;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.connection.SessionRegistryContractTests;

/**
 * {@link RedisSessionRegistry} keeps the {@link SessionRegistry} contract against a real
 * Redis (flushed before each test).
 */
class RedisSessionRegistryContractTests extends SessionRegistryContractTests {

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	private LettuceConnectionFactory connectionFactory;

	private RedisNodeDirectory directory;

	@Override
	protected SessionRegistry createRegistry(int maxSessionsPerPrincipal) {
		RedisTestServer redis = RedisTestServer.shared();
		redis.flushAll();
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.directory = new RedisNodeDirectory(new ReactiveStringRedisTemplate(this.connectionFactory),
				new ReactiveRedisMessageListenerContainer(this.connectionFactory), Duration.ofSeconds(1),
				Duration.ofSeconds(5), this.scheduler);
		this.directory.start();
		return new RedisSessionRegistry(this.directory,
				new ChannelRegistry(List.of(ChannelKind.builder("chat").build())), new ProtocolCodec(),
				Duration.ofMinutes(5), maxSessionsPerPrincipal, 100, this.scheduler);
	}

	@Override
	protected void dispose(SessionRegistry registry) {
		((RedisSessionRegistry) registry).dispose();
		this.directory.stop();
		this.connectionFactory.destroy();
		this.scheduler.dispose();
	}

}

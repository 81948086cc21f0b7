package io.pushwire.server.redis;

import java.time.Duration;
import java.util.UUID;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.stream.ChannelHub;
import io.pushwire.server.stream.ChannelStore;
import io.pushwire.server.stream.ChannelStoreContractTests;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.HubChannelStreamStore;
import io.pushwire.server.stream.MutableClock;

/**
 * {@link RedisChannelStore} keeps the {@link ChannelStore} contract against a real
 * {@code redis-server}: numbering by its append script, windows by history-size and
 * history-ttl, a new epoch for a stream whose keys are gone, and the live fan-out through
 * pub/sub to this node's hub in one order while publishers race.
 */
class RedisChannelStoreContractTests extends ChannelStoreContractTests {

	private final MutableClock clock = new MutableClock();

	private final ChannelHub hub = new ChannelHub();

	private LettuceConnectionFactory connectionFactory;

	private String prefix;

	@Override
	protected ChannelStore createStore() {
		RedisTestServer redis = RedisTestServer.shared();
		this.connectionFactory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration(redis.host(), redis.port()));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		this.prefix = "contract-" + UUID.randomUUID() + ":";
		return new RedisChannelStore(this.connectionFactory, this.hub, new ProtocolCodec(), this.clock,
				new RedisStoreSettings(this.prefix, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1)));
	}

	@Override
	protected ChannelStore lose(ChannelStore store, ChannelName channel) {
		// As an eviction or a flush: the channel's keys are gone, the store goes on.
		RedisChannelStore redisStore = (RedisChannelStore) store;
		RedisTestServer.shared()
			.command("DEL " + redisStore.metaKey(channel.value()) + " " + redisStore.streamKey(channel.value()));
		return store;
	}

	@Override
	protected void advanceClock(Duration duration) {
		this.clock.advance(duration);
	}

	@Override
	protected ChannelStreamStore streams(ChannelStore store) {
		return new HubChannelStreamStore(store, this.hub);
	}

	@Override
	protected void dispose(ChannelStore store) {
		((RedisChannelStore) store).dispose();
		this.connectionFactory.destroy();
	}

}

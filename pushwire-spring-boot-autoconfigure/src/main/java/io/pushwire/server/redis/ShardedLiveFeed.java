package io.pushwire.server.redis;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}, Redis 7): a message goes only to
 * the shard that owns its channel's slot. Spring Data Redis 4.1 has no sharded
 * subscription, so the node opens one pub/sub connection of its own with the native
 * Lettuce client of the {@link LettuceConnectionFactory} (its URI, credentials, TLS and
 * client options; on a Cluster, Lettuce sends each {@code SSUBSCRIBE} to the node that
 * owns the channel's slot). Publishing goes through Spring Data, with a script, as it has
 * no {@code SPUBLISH} either.
 * <p>
 * When the connection drops, it is closed and forgotten, and the store is told
 * ({@link Listener#lost}): it subscribes again on a new connection and fills from the
 * streams what was published meanwhile, as with classic pub/sub.
 */
final class ShardedLiveFeed implements LiveFeed {

	private static final Log logger = LogFactory.getLog(ShardedLiveFeed.class);

	private static final RedisScript<Long> SPUBLISH = RedisScript
		.of(new ClassPathResource("io/pushwire/server/redis/spublish.lua"), Long.class);

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveStringRedisTemplate redis;

	private final Listener listener;

	private final Object lock = new Object();

	/** The node's pub/sub connection, opened on first use; guarded by the lock. */
	private @Nullable Mono<StatefulRedisPubSubConnection<String, String>> connection;

	/**
	 * The connection {@link #connection} opened, once open; guarded by the lock. A
	 * connection that is no longer this one is not the node's any more: its disconnect
	 * (after it was replaced) must not drop its successor.
	 */
	private @Nullable StatefulRedisPubSubConnection<String, String> current;

	private volatile boolean disposed;

	ShardedLiveFeed(ReactiveRedisConnectionFactory connectionFactory, ReactiveStringRedisTemplate redis,
			Listener listener) {
		this.connectionFactory = connectionFactory;
		this.redis = redis;
		this.listener = listener;
	}

	/**
	 * Why a connection factory cannot carry sharded pub/sub. Call only with Lettuce on
	 * the classpath ({@link RedisChannelStore} checks first, so that this class is not
	 * loaded without it).
	 * @param connectionFactory the connection factory
	 * @return the reason, or {@code null} when it can
	 */
	static @Nullable String unsupported(ReactiveRedisConnectionFactory connectionFactory) {
		if (!(connectionFactory instanceof LettuceConnectionFactory)) {
			return "the connection factory is a " + connectionFactory.getClass().getName()
					+ ", not Spring Data's LettuceConnectionFactory";
		}
		return null;
	}

	/**
	 * Publish a message on a shard channel.
	 * @param redis the template
	 * @param liveChannel the shard channel
	 * @param message the message
	 * @return how many subscribers of the shard got it
	 */
	static Mono<Long> spublish(ReactiveStringRedisTemplate redis, String liveChannel, String message) {
		return redis.execute(SPUBLISH, List.of(liveChannel), List.of(message)).next();
	}

	/**
	 * Open the node's pub/sub connection, if it is not open.
	 * @return completes when it is open; fails with an {@link IllegalArgumentException}
	 * when the connection factory's configuration gives no URI to connect to (a static
	 * master/replica configuration)
	 */
	Mono<Void> open() {
		return connection().then();
	}

	@Override
	public String publishCommand() {
		return "SPUBLISH";
	}

	@Override
	public Mono<Void> publish(String liveChannel, String message) {
		return spublish(this.redis, liveChannel, message).then();
	}

	@Override
	public Mono<Void> subscribe(String liveChannel) {
		return connection().flatMap((live) -> live.reactive().ssubscribe(liveChannel));
	}

	@Override
	public Mono<Void> unsubscribe(String liveChannel) {
		Mono<StatefulRedisPubSubConnection<String, String>> current;
		synchronized (this.lock) {
			current = this.connection;
		}
		return (current != null) ? current.flatMap((live) -> live.reactive().sunsubscribe(liveChannel)) : Mono.empty();
	}

	@Override
	public void dispose() {
		this.disposed = true;
		Mono<StatefulRedisPubSubConnection<String, String>> current;
		synchronized (this.lock) {
			current = this.connection;
			this.connection = null;
			this.current = null;
		}
		if (current != null) {
			current.subscribe(StatefulRedisPubSubConnection::closeAsync,
					(ex) -> logger.debug("The sharded pub/sub connection was not open", ex));
		}
	}

	private Mono<StatefulRedisPubSubConnection<String, String>> connection() {
		synchronized (this.lock) {
			Mono<StatefulRedisPubSubConnection<String, String>> current = this.connection;
			if (current == null) {
				// Lettuce connects synchronously: on a thread that may wait, never an
				// event loop.
				current = Mono.fromCallable(this::connect)
					.subscribeOn(Schedulers.boundedElastic())
					.cache((live) -> Duration.ofMillis(Long.MAX_VALUE), (ex) -> Duration.ZERO, () -> Duration.ZERO);
				this.connection = current;
			}
			return current;
		}
	}

	private StatefulRedisPubSubConnection<String, String> connect() {
		AbstractRedisClient client = ((LettuceConnectionFactory) this.connectionFactory).getRequiredNativeClient();
		StatefulRedisPubSubConnection<String, String> live;
		try {
			live = (client instanceof RedisClusterClient cluster) ? cluster.connectPubSub(StringCodec.UTF8)
					: ((RedisClient) client).connectPubSub(StringCodec.UTF8);
		}
		catch (IllegalStateException ex) {
			if (String.valueOf(ex.getMessage()).contains("RedisURI is not available")) {
				// A client made without a URI (static master/replica): no pub/sub
				// connection can be opened with it, now or later.
				throw new IllegalArgumentException("the Lettuce client has no URI to open a pub/sub connection to "
						+ "(a static master/replica configuration)", ex);
			}
			throw ex;
		}
		synchronized (this.lock) {
			if (this.disposed) {
				live.closeAsync();
				throw new IllegalStateException("The channel store is disposed");
			}
			this.current = live;
		}
		live.addListener(new RedisPubSubAdapter<>() {

			@Override
			public void smessage(String channel, String message) {
				ShardedLiveFeed.this.listener.message(channel, message);
			}

		});
		live.addListener(new RedisConnectionStateListener() {

			@Override
			public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
				lost(live);
			}

		});
		if (!live.isOpen()) {
			// Dropped before the listener was there to tell.
			lost(live);
		}
		return live;
	}

	// The connection dropped: rather than rely on the client's own reconnect and
	// resubscribe, it is closed and the store subscribes again on a new one, as after a
	// lost classic subscription.
	private void lost(StatefulRedisPubSubConnection<String, String> live) {
		synchronized (this.lock) {
			if (this.current != live || this.disposed) {
				return;
			}
			this.connection = null;
			this.current = null;
		}
		live.closeAsync();
		this.listener.lost(null);
	}

}

package io.pushwire.server.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.connection.ReactiveSubscription;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/**
 * Classic pub/sub ({@code PUBLISH}/{@code SUBSCRIBE}) through Spring Data Redis'
 * {@link ReactiveSubscription}, on every server and connection factory: one subscription
 * (one connection) per node, made on first use.
 */
final class ClassicLiveFeed implements LiveFeed {

	private static final Log logger = LogFactory.getLog(ClassicLiveFeed.class);

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveStringRedisTemplate redis;

	private final Listener listener;

	private final Duration timeout;

	private final Object lock = new Object();

	/** The node's subscription, made on first use; guarded by the lock. */
	private @Nullable Mono<ReactiveSubscription> subscription;

	private volatile boolean disposed;

	ClassicLiveFeed(ReactiveRedisConnectionFactory connectionFactory, ReactiveStringRedisTemplate redis,
			Listener listener, Duration timeout) {
		this.connectionFactory = connectionFactory;
		this.redis = redis;
		this.listener = listener;
		this.timeout = timeout;
	}

	@Override
	public String publishCommand() {
		return "PUBLISH";
	}

	@Override
	public Mono<Void> publish(String liveChannel, String message) {
		return this.redis.convertAndSend(liveChannel, message).then();
	}

	@Override
	public Mono<Void> subscribe(String liveChannel) {
		return subscription().flatMap((live) -> live.subscribe(bytes(liveChannel)));
	}

	@Override
	public Mono<Void> unsubscribe(String liveChannel) {
		Mono<ReactiveSubscription> current;
		synchronized (this.lock) {
			current = this.subscription;
		}
		return (current != null) ? current.flatMap((live) -> live.unsubscribe(bytes(liveChannel))) : Mono.empty();
	}

	@Override
	public void dispose() {
		this.disposed = true;
		Mono<ReactiveSubscription> current;
		synchronized (this.lock) {
			current = this.subscription;
			this.subscription = null;
		}
		if (current != null) {
			current.flatMap(ReactiveSubscription::cancel)
				.timeout(this.timeout)
				.subscribe(null, (ex) -> logger.debug("Could not cancel the Redis subscription", ex));
		}
	}

	private Mono<ReactiveSubscription> subscription() {
		synchronized (this.lock) {
			Mono<ReactiveSubscription> current = this.subscription;
			if (current == null) {
				current = this.connectionFactory.getReactiveConnection()
					.pubSubCommands()
					.createSubscription()
					.doOnNext(this::receive)
					.cache((live) -> Duration.ofMillis(Long.MAX_VALUE), (ex) -> Duration.ZERO, () -> Duration.ZERO);
				this.subscription = current;
			}
			return current;
		}
	}

	private void receive(ReactiveSubscription live) {
		live.receive()
			.subscribe((message) -> this.listener.message(RedisValues.string(message.getChannel()),
					RedisValues.string(message.getMessage())), (ex) -> lost(ex), () -> lost(null));
	}

	// The subscription ended (the connection was closed for good): the next subscribe
	// makes a new one.
	private void lost(@Nullable Throwable ex) {
		if (this.disposed) {
			return;
		}
		synchronized (this.lock) {
			this.subscription = null;
		}
		this.listener.lost(ex);
	}

	private static ByteBuffer bytes(String value) {
		return ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8));
	}

}

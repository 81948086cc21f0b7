package io.pushwire.server.redis;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.util.ClassUtils;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.Cursors;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.PushMessage;
import io.pushwire.core.ResumeToken;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.stream.ChannelHub;
import io.pushwire.server.stream.ChannelStore;
import io.pushwire.server.stream.ResumePlan;
import io.pushwire.server.stream.StoreHealth;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamPosition;
import io.pushwire.server.stream.StreamReplay;

/**
 * Channel streams in Redis, shared by every node that uses the same Redis (PROTOCOL.md
 * §13). Per channel a meta hash ({@code epoch}, {@code head}) and a Redis Stream whose
 * entry ids are the cursors ({@code <cursor>-0}), trimmed to the kind's
 * {@code history-size} and {@code history-ttl}; both keys carry the channel as hash tag,
 * so that they share a slot on Redis Cluster. An append is one Lua script: it makes a new
 * epoch when the meta is gone, increments the head, adds the entry, trims and publishes
 * the frame on the channel's pub/sub channel, so concurrent publishers on any node never
 * leave a hole or get one cursor twice, and every node receives one order.
 * <p>
 * Live fan-out: a node subscribes (one pub/sub connection per node) to a channel while
 * this node's hub has listeners for it, and unsubscribes when the last leaves. The
 * pub/sub is sharded ({@code SPUBLISH}/{@code SSUBSCRIBE}) where the connection factory
 * is Lettuce's and the server runs {@code SPUBLISH} (Redis 7), found out once by
 * publishing a probe message, and classic otherwise ({@link RedisStoreSettings.PubSub}).
 * It hands the hub the frames in cursor order: a frame after a jump in cursors (a message
 * missed while the connection was down) waits until the missing ones are read from the
 * stream, and every {@code catch-up-interval} the head of each followed channel is
 * compared with what was delivered, so that a lost last message is delivered too.
 * <p>
 * Every command is bounded by {@code command-timeout}: while Redis cannot be reached, an
 * append or a read fails with {@code unavailable} within that time, and the health hook
 * reports the store unreachable.
 *
 * @since 0.1.0
 */
public final class RedisChannelStore implements ChannelStore, StoreHealth {

	private static final Log logger = LogFactory.getLog(RedisChannelStore.class);

	private static final String UNAVAILABLE_MESSAGE = "The channel store (Redis) cannot be reached; try again later";

	private static final int CATCH_UP_CONCURRENCY = 64;

	/** A class of Lettuce's pub/sub, which sharded pub/sub needs. */
	private static final String LETTUCE_PUB_SUB = "io.lettuce.core.pubsub.StatefulRedisPubSubConnection";

	/**
	 * The shard channel (no one subscribes to it) that finds out whether SPUBLISH runs.
	 */
	private static final String PUB_SUB_PROBE = "pubsub-probe";

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> APPEND = script("append.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> READ = script("read.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> RANGE = script("range.lua");

	private final ReactiveRedisConnectionFactory connectionFactory;

	private final ReactiveStringRedisTemplate redis;

	private final ChannelHub hub;

	private final ProtocolCodec codec;

	private final Clock clock;

	private final RedisStoreSettings settings;

	private final String nodeId = UUID.randomUUID().toString();

	private final Map<String, Follow> follows = new ConcurrentHashMap<>();

	/** The live feed, classic or sharded, decided on first use. */
	private final Mono<LiveFeed> feed;

	/** The feed once decided, for unfollow and dispose. */
	private volatile @Nullable LiveFeed decided;

	private final Disposable catchUp;

	private volatile boolean disposed;

	/**
	 * Create a store.
	 * @param connectionFactory the connections to Redis (Spring Boot's, from
	 * {@code spring.data.redis.*})
	 * @param hub this node's fan-out, which the store feeds
	 * @param codec the protocol codec (payloads and transient frames)
	 * @param clock the clock frames are timed by (their age for {@code history-ttl})
	 * @param settings the settings
	 */
	public RedisChannelStore(ReactiveRedisConnectionFactory connectionFactory, ChannelHub hub, ProtocolCodec codec,
			Clock clock, RedisStoreSettings settings) {
		this.connectionFactory = connectionFactory;
		this.redis = new ReactiveStringRedisTemplate(connectionFactory);
		this.hub = hub;
		this.codec = codec;
		this.clock = clock;
		this.settings = settings;
		this.feed = decideFeed().doOnNext(this::decided)
			.cache((feed) -> Duration.ofMillis(Long.MAX_VALUE), (ex) -> Duration.ZERO, () -> Duration.ZERO);
		// Decided now, so that the first publish does not wait for it.
		this.feed.subscribe(null, (ex) -> logger.debug("Could not decide the Redis pub/sub yet", ex));
		this.catchUp = Flux.interval(settings.catchUpInterval(), settings.catchUpInterval())
			.onBackpressureDrop()
			.concatMap((tick) -> catchUp(), 1)
			.subscribe();
	}

	@SuppressWarnings("rawtypes")
	private static RedisScript<List> script(String name) {
		return RedisScript.of(new ClassPathResource("io/pushwire/server/redis/" + name), List.class);
	}

	@Override
	public Mono<StoredFrame> append(ChannelName channel, ChannelKind kind, JsonNode payload,
			@Nullable String clientId) {
		return Mono.defer(() -> {
			String name = channel.value();
			String json = this.codec.mapper().writeValueAsString(payload);
			long now = this.clock.millis();
			long cutoff = now - kind.historyTtl().toMillis();
			return command(feed().flatMap((feed) -> {
				List<String> args = List.of(Cursors.newEpoch(), Long.toString(now),
						Integer.toString(Math.max(0, kind.historySize())), Long.toString(Math.max(0, cutoff)),
						Long.toString(keyExpiryMillis(kind)), liveChannel(name), (clientId != null) ? clientId : "",
						json, feed.publishCommand());
				return run(APPEND, name, args);
			})).map((reply) -> new StoredFrame(name, Long.parseLong(reply.get(1)), reply.get(0), payload, clientId,
					now));
		});
	}

	@Override
	public Mono<StreamReplay> read(ChannelName channel, ChannelKind kind, ResumeToken.@Nullable Position from) {
		return Mono.defer(() -> {
			String name = channel.value();
			List<String> args = List.of(Cursors.newEpoch(), Long.toString(keyExpiryMillis(kind)),
					(from != null) ? "from" : "live", (from != null) ? Long.toString(from.cursor()) : "0",
					(from != null && from.epoch() != null) ? from.epoch() : "");
			return command(run(READ, name, args)).map((reply) -> replay(name, kind, from, reply));
		});
	}

	private StreamReplay replay(String channel, ChannelKind kind, ResumeToken.@Nullable Position from,
			List<String> reply) {
		String epoch = reply.get(0);
		long head = Long.parseLong(reply.get(1));
		if (from == null) {
			return new StreamReplay(new ResumePlan(channel, epoch, head, head, false), List.of());
		}
		long cutoff = this.clock.millis() - kind.historyTtl().toMillis();
		List<StoredFrame> frames = new ArrayList<>();
		for (StoredFrame frame : frames(channel, epoch, reply, 2)) {
			if (frame.storedAtMillis() >= cutoff) {
				frames.add(frame);
			}
		}
		int excess = frames.size() - Math.max(0, kind.historySize());
		if (excess > 0) {
			frames = new ArrayList<>(frames.subList(excess, frames.size()));
		}
		long cursor = from.cursor();
		boolean sameEpoch = from.epoch() == null || epoch.equals(from.epoch());
		long oldest = frames.isEmpty() ? head + 1 : frames.get(0).cursor();
		if (sameEpoch && cursor <= head && (cursor >= head || oldest == cursor + 1)) {
			return new StreamReplay(new ResumePlan(channel, epoch, head, cursor, false), frames);
		}
		// The script read the whole window when the position was not in this epoch
		// or beyond the head; otherwise from the position on, which is the whole window
		// when part of it is gone.
		return new StreamReplay(new ResumePlan(channel, epoch, head, oldest - 1, true), frames);
	}

	@Override
	public Mono<StreamPosition> position(String channel) {
		return command(this.redis.<String, String>opsForHash().multiGet(metaKey(channel), List.of("epoch", "head")))
			.flatMap((values) -> (values.get(0) != null && values.get(1) != null)
					? Mono.just(new StreamPosition(values.get(0), Long.parseLong(values.get(1)))) : Mono.empty());
	}

	@Override
	public Mono<Void> publishTransient(ChannelName channel, PreparedMessage frame) {
		return Mono.defer(() -> {
			String json = new String(frame.encoded(this.codec), StandardCharsets.UTF_8);
			String message = "T" + this.nodeId + "\n" + json;
			return command(feed().flatMap((feed) -> feed.publish(liveChannel(channel.value()), message)));
		});
	}

	@Override
	public Mono<Void> follow(ChannelName channel) {
		return Mono.defer(() -> {
			String name = channel.value();
			Follow follow = this.follows.computeIfAbsent(name, Follow::new);
			return follow.ready;
		});
	}

	@Override
	public void unfollow(String channel) {
		Follow follow = this.follows.remove(channel);
		if (follow == null) {
			return;
		}
		follow.closed = true;
		LiveFeed current = this.decided;
		if (current != null) {
			current.unsubscribe(liveChannel(channel))
				.timeout(this.settings.commandTimeout())
				.subscribe(null, (ex) -> logger.debug("Could not unsubscribe from " + channel, ex));
		}
	}

	@Override
	public int size() {
		return this.follows.size();
	}

	@Override
	public Mono<Check> checkHealth() {
		return command(this.redis.execute((connection) -> connection.ping()).next()).map((pong) -> Check.ok())
			.onErrorResume((ex) -> Mono.just(Check.failed("Redis cannot be reached: " + ex.getMessage())));
	}

	/**
	 * Which pub/sub the live fan-out uses, {@link RedisStoreSettings.PubSub#CLASSIC} or
	 * {@link RedisStoreSettings.PubSub#SHARDED}, decided on first use: with
	 * {@code pub-sub=auto}, sharded when the connection factory is Lettuce's and the
	 * server runs {@code SPUBLISH}.
	 * @return the pub/sub; an {@link UnsupportedOperationException} naming
	 * {@code pushwire.server.redis.pub-sub} when it is {@code sharded} and the server or
	 * the connection factory cannot do it; another error while Redis cannot be reached
	 * (the next call tries again)
	 */
	public Mono<RedisStoreSettings.PubSub> pubSub() {
		return this.feed.map((feed) -> (feed instanceof ClassicLiveFeed) ? RedisStoreSettings.PubSub.CLASSIC
				: RedisStoreSettings.PubSub.SHARDED);
	}

	/**
	 * Stop following channels and release the node's subscription.
	 */
	public void dispose() {
		this.disposed = true;
		this.catchUp.dispose();
		this.follows.clear();
		LiveFeed current = this.decided;
		if (current != null) {
			current.dispose();
		}
	}

	/**
	 * The meta hash key of a channel.
	 * @param channel the channel
	 * @return the key
	 */
	public String metaKey(String channel) {
		return this.settings.keyPrefix() + "{" + channel + "}:meta";
	}

	/**
	 * The stream key of a channel.
	 * @param channel the channel
	 * @return the key
	 */
	public String streamKey(String channel) {
		return this.settings.keyPrefix() + "{" + channel + "}:stream";
	}

	/**
	 * The pub/sub channel of a channel's live frames.
	 * @param channel the channel
	 * @return the pub/sub channel
	 */
	public String liveChannel(String channel) {
		return this.settings.keyPrefix() + "{" + channel + "}:live";
	}

	private @Nullable String channelOf(String liveChannel) {
		String prefix = this.settings.keyPrefix() + "{";
		String suffix = "}:live";
		if (!liveChannel.startsWith(prefix) || !liveChannel.endsWith(suffix)
				|| liveChannel.length() < prefix.length() + suffix.length()) {
			return null;
		}
		return liveChannel.substring(prefix.length(), liveChannel.length() - suffix.length());
	}

	private long keyExpiryMillis(ChannelKind kind) {
		return Math.max(this.settings.streamExpiry().toMillis(), kind.historyTtl().toMillis());
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private Mono<List<String>> run(RedisScript<List> script, String channel, List<String> args) {
		return this.redis.execute(script, List.of(metaKey(channel), streamKey(channel)), args)
			.collectList()
			.map((replies) -> {
				List<Object> flat = (replies.size() == 1 && replies.get(0) instanceof List<?> inner)
						? (List<Object>) inner : (List<Object>) (List) replies;
				List<String> strings = new ArrayList<>(flat.size());
				for (Object value : flat) {
					strings.add(RedisValues.string(value));
				}
				return strings;
			});
	}

	// Bounds a command by the command timeout and turns its failures into 'unavailable'.
	private <T> Mono<T> command(Mono<T> command) {
		return RedisFailures.bounded(command, this.settings.commandTimeout(), UNAVAILABLE_MESSAGE);
	}

	private List<StoredFrame> frames(String channel, String epoch, List<String> reply, int from) {
		List<StoredFrame> frames = new ArrayList<>((reply.size() - from) / 4);
		for (int i = from; i + 3 < reply.size(); i += 4) {
			String id = reply.get(i);
			long cursor = Long.parseLong(id.substring(0, id.indexOf('-')));
			String clientId = reply.get(i + 2);
			frames.add(new StoredFrame(channel, cursor, epoch, this.codec.mapper().readTree(reply.get(i + 3)),
					clientId.isEmpty() ? null : clientId, Long.parseLong(reply.get(i + 1))));
		}
		return frames;
	}

	// Classic or sharded pub/sub. With auto, sharded when the connection factory is
	// Lettuce's and a probe message (to no subscriber) shows that the server runs
	// SPUBLISH, from a script as the append does: alike on a standalone server, Sentinel
	// and a Cluster, and on servers whose version says nothing of it (Valkey and other
	// Redis-compatible servers, a command renamed away). Bounded by the command timeout;
	// a failure to reach Redis is not a decision, and the next use tries again.
	private Mono<LiveFeed> decideFeed() {
		LiveFeed.Listener listener = new LiveFeed.Listener() {

			@Override
			public void message(String liveChannel, String message) {
				onMessage(liveChannel, message);
			}

			@Override
			public void lost(@Nullable Throwable ex) {
				RedisChannelStore.this.lost(ex);
			}

		};
		RedisStoreSettings.PubSub wanted = this.settings.pubSub();
		if (wanted == RedisStoreSettings.PubSub.CLASSIC) {
			return Mono.just(classic(listener));
		}
		String unsupported = ClassUtils.isPresent(LETTUCE_PUB_SUB, RedisChannelStore.class.getClassLoader())
				? ShardedLiveFeed.unsupported(this.connectionFactory) : "Lettuce is not on the classpath";
		if (unsupported != null) {
			return notSharded(wanted, unsupported, listener);
		}
		return Mono.defer(() -> {
			ShardedLiveFeed sharded = new ShardedLiveFeed(this.connectionFactory, this.redis, listener);
			return ShardedLiveFeed.spublish(this.redis, this.settings.keyPrefix() + PUB_SUB_PROBE, "")
				.then(sharded.open())
				.timeout(this.settings.commandTimeout())
				.thenReturn((LiveFeed) sharded)
				.doOnNext((feed) -> logger.info("Live fan-out through sharded Redis pub/sub (SPUBLISH/SSUBSCRIBE)"))
				.doOnError((ex) -> sharded.dispose())
				.onErrorResume(RedisChannelStore::cannotShard,
						(ex) -> notSharded(wanted, cannotShardReason(ex), listener));
		});
	}

	// Once decided, the feed itself: every publish asks for it, and a cached Mono's
	// subscription costs more than a field read.
	private Mono<LiveFeed> feed() {
		LiveFeed current = this.decided;
		return (current != null) ? Mono.just(current) : this.feed;
	}

	private void decided(LiveFeed feed) {
		this.decided = feed;
		if (this.disposed) {
			// Disposed while deciding: dispose() did not see the feed.
			feed.dispose();
		}
	}

	private LiveFeed classic(LiveFeed.Listener listener) {
		return new ClassicLiveFeed(this.connectionFactory, this.redis, listener, this.settings.commandTimeout());
	}

	private Mono<LiveFeed> notSharded(RedisStoreSettings.PubSub wanted, String reason, LiveFeed.Listener listener) {
		if (wanted == RedisStoreSettings.PubSub.SHARDED) {
			return Mono.error(new UnsupportedOperationException("pushwire.server.redis.pub-sub is 'sharded', but "
					+ "sharded pub/sub cannot be used: " + reason + "; set it to 'auto' or 'classic'"));
		}
		logger.info("Live fan-out through classic Redis pub/sub (PUBLISH/SUBSCRIBE): sharded pub/sub cannot be used, "
				+ reason);
		return Mono.just(classic(listener));
	}

	// An unknown command (a server before Redis 7, or the command renamed away), a user
	// whose ACL does not allow it, or a connection factory whose configuration gives no
	// URI to connect to (static master/replica): sharded pub/sub cannot work, and trying
	// again does not help.
	private static boolean cannotShard(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof IllegalArgumentException) {
				return true;
			}
			String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
			if (message.contains("unknown command") || message.contains("unknown redis command")
					|| message.contains("noperm") || message.contains("can't run this command")) {
				return true;
			}
		}
		return false;
	}

	private static String cannotShardReason(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof IllegalArgumentException) {
				return String.valueOf(cause.getMessage());
			}
		}
		return "Redis refuses SPUBLISH (" + rootMessage(ex) + ")";
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage()).strip();
	}

	// The feed's connection was lost: the next catch-up subscribes to every followed
	// channel again and fills what was missed from the streams.
	private void lost(@Nullable Throwable ex) {
		if (this.disposed) {
			return;
		}
		logger.warn("The Redis subscription of this node ended; subscribing again", ex);
		for (Follow follow : this.follows.values()) {
			follow.subscribed = false;
		}
	}

	private void onMessage(String liveChannel, String body) {
		String channel = channelOf(liveChannel);
		if (channel == null) {
			return;
		}
		Follow follow = this.follows.get(channel);
		if (follow == null) {
			return;
		}
		try {
			if (body.startsWith("F")) {
				follow.onLiveFrame(body);
			}
			else if (body.startsWith("T")) {
				int end = body.indexOf('\n');
				if (end > 0 && !body.substring(1, end).equals(this.nodeId)) {
					String json = body.substring(end + 1);
					PushMessage frame = this.codec.decodeFromServer(json);
					this.hub.publishTransient(channel,
							PreparedMessage.ofJson(frame, json.getBytes(StandardCharsets.UTF_8)));
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Dropped a message on " + channel + " that this node cannot read", ex);
		}
	}

	// Subscribes again where the subscription was lost, and fills the holes of every
	// followed channel from its stream.
	private Mono<Void> catchUp() {
		if (this.disposed || this.follows.isEmpty()) {
			return Mono.empty();
		}
		return Flux.fromIterable(this.follows.values())
			.flatMap((follow) -> follow.catchUp().onErrorResume((ex) -> Mono.empty()), CATCH_UP_CONCURRENCY)
			.then();
	}

	/**
	 * What this node follows of one channel: its subscription and the cursor delivered
	 * last to the hub. Frames are handed to the hub under this object's monitor, so one
	 * at a time and in cursor order.
	 */
	private final class Follow {

		private final String channel;

		private final Mono<Void> ready;

		private volatile boolean closed;

		private volatile boolean subscribed;

		private @Nullable String epoch;

		/** The cursor delivered last; -1 until the head was read after subscribing. */
		private long last = -1;

		/**
		 * The highest cursor seen on pub/sub, read from the stream when it was missed.
		 */
		private long target;

		private boolean filling;

		Follow(String channel) {
			this.channel = channel;
			this.ready = subscribeAndStart().cache((done) -> Duration.ofMillis(Long.MAX_VALUE), (ex) -> Duration.ZERO,
					() -> Duration.ofMillis(Long.MAX_VALUE));
		}

		private Mono<Void> subscribeAndStart() {
			// No stream yet: its first frames, in whatever epoch it gets, are delivered
			// from cursor 1.
			return subscribe().then(position(this.channel))
				.defaultIfEmpty(new StreamPosition("", 0))
				.doOnNext(this::start)
				.then();
		}

		private Mono<Void> subscribe() {
			return command(feed().flatMap((feed) -> feed.subscribe(liveChannel(this.channel))))
				.doOnSuccess((done) -> this.subscribed = true);
		}

		// The head when the subscription was confirmed: delivery continues after it.
		private void start(StreamPosition position) {
			synchronized (this) {
				if (this.last < 0) {
					this.epoch = position.epoch().isEmpty() ? null : position.epoch();
					this.last = position.head();
				}
			}
			fillIfBehind();
		}

		void onLiveFrame(String body) {
			int first = body.indexOf('\n');
			int second = body.indexOf('\n', first + 1);
			String frameEpoch = body.substring(1, first);
			long cursor = Long.parseLong(body.substring(first + 1, second));
			synchronized (this) {
				if (this.last < 0 || this.filling) {
					// Not started, or a read of missed frames is under way: read after
					// it.
					this.target = Math.max(this.target, cursor);
					return;
				}
				if (!frameEpoch.equals(this.epoch)) {
					// The stream was lost and made again: its cursors start from 1.
					newEpoch(frameEpoch);
				}
				if (cursor <= this.last) {
					return;
				}
				if (cursor == this.last + 1) {
					this.last = cursor;
					RedisChannelStore.this.hub.publish(parse(body, second, frameEpoch, cursor));
					return;
				}
				this.target = Math.max(this.target, cursor);
			}
			fillIfBehind();
		}

		private StoredFrame parse(String body, int second, String frameEpoch, long cursor) {
			int third = body.indexOf('\n', second + 1);
			int fourth = body.indexOf('\n', third + 1);
			String clientId = body.substring(third + 1, fourth);
			return new StoredFrame(this.channel, cursor, frameEpoch,
					RedisChannelStore.this.codec.mapper().readTree(body.substring(fourth + 1)),
					clientId.isEmpty() ? null : clientId, Long.parseLong(body.substring(second + 1, third)));
		}

		/**
		 * Read what was missed, unless a read is under way; then go on with what came.
		 */
		private void fillIfBehind() {
			long from;
			long to;
			String expected;
			synchronized (this) {
				if (this.closed || this.filling || this.last < 0 || this.target <= this.last) {
					return;
				}
				this.filling = true;
				from = this.last + 1;
				to = this.target;
				expected = this.epoch;
			}
			command(run(RANGE, this.channel, List.of(Long.toString(from), Long.toString(to))))
				.subscribe((reply) -> filled(reply, to, expected), (ex) -> {
					synchronized (this) {
						this.filling = false;
					}
					logger.debug("Could not read the missed frames of " + this.channel + "; the catch-up retries", ex);
				});
		}

		private void filled(List<String> reply, long to, @Nullable String expected) {
			String streamEpoch = reply.get(0);
			synchronized (this) {
				this.filling = false;
				// A new epoch found while reading: the range read was the old one's, and
				// is dropped.
				boolean current = Objects.equals(expected, this.epoch);
				if (current && (streamEpoch.isEmpty() || !streamEpoch.equals(this.epoch))) {
					// Lost, or made again meanwhile: the next catch-up goes on from its
					// head.
					this.target = 0;
					if (!streamEpoch.isEmpty()) {
						newEpoch(streamEpoch);
					}
				}
				else if (current) {
					for (StoredFrame frame : frames(this.channel, streamEpoch, reply, 1)) {
						if (frame.cursor() > this.last) {
							this.last = frame.cursor();
							RedisChannelStore.this.hub.publish(frame);
						}
					}
					// Every frame up to 'to' was in the stream before it was published;
					// what the stream no longer holds (trimmed meanwhile) cannot be
					// given.
					this.last = Math.max(this.last, to);
				}
			}
			fillIfBehind();
		}

		/**
		 * The stream was lost and started again (a Redis restarted empty, its keys
		 * expired): delivery goes on from the new epoch's first cursor, and this node's
		 * listeners are told first, so that their clients get {@code resume_required}
		 * rather than have the new cursors dropped as ones they already have. Called
		 * under this object's monitor, as frames are handed to the hub.
		 * @param epoch the new epoch
		 */
		private void newEpoch(String epoch) {
			this.epoch = epoch;
			this.last = 0;
			// What was seen of the old epoch says nothing of the new one.
			this.target = 0;
			RedisChannelStore.this.hub.publishEpochChange(this.channel, epoch, 1);
		}

		/**
		 * The channel's epoch and head; a stream that is gone is made again (a new
		 * epoch), so that its loss is told to the subscribers at once, not at the next
		 * publish.
		 * @return the position
		 */
		private Mono<StreamPosition> head() {
			List<String> args = List.of(Cursors.newEpoch(),
					Long.toString(RedisChannelStore.this.settings.streamExpiry().toMillis()), "live", "0", "");
			return command(run(READ, this.channel, args))
				.map((reply) -> new StreamPosition(reply.get(0), Long.parseLong(reply.get(1))));
		}

		Mono<Void> catchUp() {
			if (this.closed) {
				return Mono.empty();
			}
			Mono<Void> resubscribe = this.subscribed ? Mono.empty() : subscribe();
			return resubscribe.then(head()).doOnNext((position) -> {
				synchronized (this) {
					if (this.last < 0) {
						this.last = position.head();
						this.epoch = position.epoch();
					}
					else if (!position.epoch().equals(this.epoch)) {
						newEpoch(position.epoch());
					}
					this.target = Math.max(this.target, position.head());
				}
				fillIfBehind();
			}).then();
		}

	}

}

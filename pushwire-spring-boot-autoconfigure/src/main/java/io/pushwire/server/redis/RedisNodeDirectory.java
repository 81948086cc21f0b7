package io.pushwire.server.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.ReactiveRedisMessageListenerContainer;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * This node among the nodes that share one Redis: its id, its heartbeat, the nodes alive,
 * the clean-up of a node that died, and the node-to-node messages.
 * <p>
 * Every {@code heartbeat} the node renews its lease in the sorted set
 * {@code pushwire:nodes} (score: the lease's end by Redis's clock, now + {@code ttl}) and
 * reads which nodes hold a lease. A node whose lease ran out died without cleaning up:
 * the first node that removes it from the set (an atomic {@code ZREM}) runs every
 * {@link Reaper} for it, once cluster-wide; a node that stops gracefully reaps itself. So
 * a dead node's entries go within {@code ttl} + {@code heartbeat}.
 * <p>
 * Messages to one node go through Redis pub/sub on {@code pushwire:control:<node>}, and
 * messages to every node on {@code pushwire:broadcast}: one subscription per node for
 * both. A message is lines of text whose first line names its kind; a handler registered
 * for that kind gets the lines.
 *
 * @since 0.1.0
 */
public final class RedisNodeDirectory implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(RedisNodeDirectory.class);

	static final String NODES = "pushwire:nodes";

	static final String BROADCAST = "pushwire:broadcast";

	private static final RedisScript<String> HEARTBEAT = RedisScript.of("""
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
			redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
			local live = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
			local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
			return table.concat(live, ' ') .. '\\n' .. table.concat(dead, ' ')
			""", String.class);

	private final ReactiveStringRedisTemplate redis;

	private final ReactiveRedisMessageListenerContainer listeners;

	private final String nodeId;

	private final Duration heartbeat;

	private final Duration ttl;

	private final Scheduler scheduler;

	private final List<Reaper> reapers = new CopyOnWriteArrayList<>();

	private final Map<String, Consumer<String[]>> handlers = new ConcurrentHashMap<>();

	private volatile Set<String> live = Set.of();

	private volatile Set<String> expired = Set.of();

	private volatile boolean started;

	private volatile Disposable running = Disposables.composite();

	/**
	 * Create the directory of this node; {@link #start()} joins the cluster.
	 * @param redis the Redis commands
	 * @param listeners the pub/sub subscriptions
	 * @param heartbeat how often the node renews its lease
	 * @param ttl how long a lease lasts (more than {@code heartbeat})
	 */
	public RedisNodeDirectory(ReactiveStringRedisTemplate redis, ReactiveRedisMessageListenerContainer listeners,
			Duration heartbeat, Duration ttl) {
		this(redis, listeners, heartbeat, ttl, Schedulers.parallel());
	}

	/**
	 * Create the directory of this node; {@link #start()} joins the cluster.
	 * @param redis the Redis commands
	 * @param listeners the pub/sub subscriptions
	 * @param heartbeat how often the node renews its lease
	 * @param ttl how long a lease lasts (more than {@code heartbeat})
	 * @param scheduler the scheduler of the heartbeat
	 */
	public RedisNodeDirectory(ReactiveStringRedisTemplate redis, ReactiveRedisMessageListenerContainer listeners,
			Duration heartbeat, Duration ttl, Scheduler scheduler) {
		if (heartbeat.isNegative() || heartbeat.isZero()) {
			throw new IllegalArgumentException(
					"pushwire.server.redis.node-heartbeat must be positive, not " + heartbeat);
		}
		if (ttl.compareTo(heartbeat.multipliedBy(2)) < 0) {
			throw new IllegalArgumentException("pushwire.server.redis.node-ttl (" + ttl
					+ ") must be at least twice pushwire.server.redis.node-heartbeat (" + heartbeat + ")");
		}
		this.redis = redis;
		this.listeners = listeners;
		this.heartbeat = heartbeat;
		this.ttl = ttl;
		this.scheduler = scheduler;
		this.nodeId = UUID.randomUUID().toString();
	}

	/**
	 * This node's id.
	 * @return the id
	 */
	public String nodeId() {
		return this.nodeId;
	}

	/**
	 * How long a lease lasts, and the bound of one Redis operation of the session and
	 * presence stores.
	 * @return the lease's length
	 */
	public Duration ttl() {
		return this.ttl;
	}

	/**
	 * The Redis commands.
	 * @return the template
	 */
	ReactiveStringRedisTemplate redis() {
		return this.redis;
	}

	/**
	 * Load scripts into Redis's script cache now, so that their first runs are not
	 * retried after a {@code NOSCRIPT} answer: commands sent one after the other on the
	 * shared connection then run in that order.
	 * @param scripts the scripts
	 */
	public void preload(RedisScript<?>... scripts) {
		this.redis
			.execute((connection) -> Flux.fromArray(scripts)
				.flatMap((script) -> connection.scriptingCommands()
					.scriptLoad(ByteBuffer.wrap(script.getScriptAsString().getBytes(StandardCharsets.UTF_8)))))
			.subscribe(null, (ex) -> logger.warn("Could not load pushwire's scripts into Redis", ex));
	}

	/**
	 * Register what to clean up when a node dies (or this one stops).
	 * @param reaper the reaper
	 */
	public void addReaper(Reaper reaper) {
		this.reapers.add(reaper);
	}

	/**
	 * Handle the messages of a kind sent to this node or to every node.
	 * @param kind the kind (the message's first line)
	 * @param handler gets the message's lines
	 */
	public void onMessage(String kind, Consumer<String[]> handler) {
		this.handlers.put(kind, handler);
	}

	/**
	 * Whether a node is alive: unless this node's last heartbeat saw its lease run out. A
	 * node that started since that heartbeat is not known yet and counts as alive (its
	 * clients' sessions and memberships are as real as any); a node whose lease ran out
	 * is hidden until it is reaped, which removes its entries.
	 * @param node the node's id
	 * @return {@code true} when alive
	 */
	public boolean isAlive(String node) {
		return this.nodeId.equals(node) || !this.expired.contains(node);
	}

	/**
	 * The nodes that hold a lease, as of this node's last heartbeat.
	 * @return the ids
	 */
	public Set<String> liveNodes() {
		Set<String> current = this.live;
		return current.isEmpty() ? Set.of(this.nodeId) : current;
	}

	/**
	 * The nodes that hold a lease now, read from Redis: unlike {@link #liveNodes()}, a
	 * node started since this node's last heartbeat is among them.
	 * @return the ids, this node's always among them
	 */
	public Mono<Set<String>> currentNodes() {
		return this.redis.opsForZSet()
			.range(NODES, Range.closed(0L, -1L))
			.filter(this::isAlive)
			.concatWithValues(this.nodeId)
			.collect(Collectors.toCollection(LinkedHashSet::new));
	}

	/**
	 * Send a message to one node.
	 * @param node the node's id
	 * @param lines the message's lines, the first naming its kind
	 * @return whether the node is subscribed (Redis counted a receiver)
	 */
	public Mono<Boolean> send(String node, String... lines) {
		return this.redis.convertAndSend(controlChannel(node), String.join("\n", lines)).map((count) -> count > 0);
	}

	/**
	 * Send a message to every node, this one included.
	 * @param lines the message's lines, the first naming its kind
	 * @return completes when published
	 */
	public Mono<Void> broadcast(String... lines) {
		return this.redis.convertAndSend(BROADCAST, String.join("\n", lines)).then();
	}

	/**
	 * Subscribe to this node's messages, then renew the lease every heartbeat.
	 */
	@Override
	public synchronized void start() {
		if (this.started) {
			return;
		}
		this.started = true;
		Disposable subscription = this.listeners
			.receiveLater(ChannelTopic.of(controlChannel(this.nodeId)), ChannelTopic.of(BROADCAST))
			.flatMapMany((messages) -> {
				// Subscribed: only now does the node announce itself.
				beat().subscribe();
				return messages;
			})
			.subscribe((message) -> dispatch(message.getMessage()),
					(ex) -> logger.error("The node-to-node subscription of node " + this.nodeId + " failed", ex));
		Disposable beats = Flux.interval(this.heartbeat, this.heartbeat, this.scheduler)
			.onBackpressureDrop()
			.concatMap((tick) -> beat(), 1)
			.subscribe();
		this.running = Disposables.composite(subscription, beats);
	}

	/**
	 * Stop the heartbeat and the subscription (the listener container given to this
	 * directory is its own and is destroyed), leave the set of nodes and reap this node's
	 * entries (its sessions are then detached, its presence memberships gone), waiting at
	 * most the lease's length: this runs when the application context closes, after the
	 * connections were closed.
	 */
	public synchronized void stop() {
		if (!this.started) {
			return;
		}
		this.started = false;
		this.running.dispose();
		try {
			this.redis.opsForZSet()
				.remove(NODES, this.nodeId)
				.then(reap(this.nodeId))
				.then(this.listeners.destroyLater())
				.timeout(this.ttl)
				.toFuture()
				.get(this.ttl.toMillis() * 2, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Node " + this.nodeId + " could not remove its entries from Redis on shutdown; the other"
					+ " nodes remove them once its lease (pushwire.server.redis.node-ttl) ran out", ex);
		}
	}

	@Override
	public boolean isRunning() {
		return this.started;
	}

	/**
	 * Started after the Redis connection factory (phase 0) and stopped before it, and
	 * stopped after the web server (whose connections end first, detaching their sessions
	 * and leaving their channels).
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	/**
	 * Renew the lease once, and reap the nodes whose lease ran out (those this node is
	 * the first to claim).
	 * @return completes when done; never fails (a failure is logged)
	 */
	Mono<Void> beat() {
		return this.redis.execute(HEARTBEAT, List.of(NODES), List.of(this.nodeId, Long.toString(this.ttl.toMillis())))
			.next()
			.flatMap((reply) -> {
				String[] parts = reply.split("\n", -1);
				this.live = words(parts[0]);
				Set<String> expiredNodes = words((parts.length > 1) ? parts[1] : "");
				this.expired = expiredNodes;
				return Flux.fromIterable(expiredNodes)
					.concatMap((dead) -> this.redis.opsForZSet()
						.remove(NODES, dead)
						.filter((removed) -> removed > 0)
						.flatMap((claimed) -> {
							logger.info("Node " + dead + " stopped renewing its lease; node " + this.nodeId
									+ " removes its sessions and presence");
							return reap(dead);
						}))
					.then();
			})
			.timeout(this.ttl)
			.onErrorResume((ex) -> {
				logger.warn("Node " + this.nodeId + " could not renew its lease in Redis", ex);
				return Mono.empty();
			});
	}

	private Mono<Void> reap(String node) {
		return Flux.fromIterable(this.reapers).concatMap((reaper) -> reaper.reap(node).onErrorResume((ex) -> {
			logger.warn("Cleaning up after node " + node + " failed", ex);
			return Mono.empty();
		})).then();
	}

	private static Set<String> words(String text) {
		return text.isBlank() ? Set.of() : Set.of(text.trim().split(" "));
	}

	private void dispatch(String message) {
		String[] lines = message.split("\n", -1);
		Consumer<String[]> handler = this.handlers.get(lines[0]);
		if (handler == null) {
			logger.warn("Node " + this.nodeId + " got a node-to-node message of unknown kind '" + lines[0] + "'");
			return;
		}
		try {
			handler.accept(lines);
		}
		catch (RuntimeException ex) {
			logger.error("Handling a node-to-node message of kind '" + lines[0] + "' failed", ex);
		}
	}

	static String controlChannel(String node) {
		return "pushwire:control:" + node;
	}

	/**
	 * Cleans up what a node that died (or stopped) left in Redis.
	 */
	@FunctionalInterface
	public interface Reaper {

		/**
		 * Clean up after a node.
		 * @param node the node's id
		 * @return completes when done
		 */
		Mono<Void> reap(String node);

	}

}

package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.pushwire.core.CloseReason;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;
import io.pushwire.core.WireFormat;
import io.pushwire.security.AuthRequest;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.observation.PushMetrics;

/**
 * One client's connection, whatever carries it: its state (session and principal,
 * subscriptions, outbound queue, inbound budget, heartbeat and expiry) and its lifecycle:
 * the close, the termination, the heartbeat and the expiry of its credentials
 * (PROTOCOL.md §4–§7). The node-wide parts of a {@link ConnectionFactory} do the rest:
 * the {@link ConnectionHandshake} starts it, the {@link OpDispatcher} handles the
 * client's ops, the {@link ChannelSubscriber} its subscriptions, the
 * {@link InboundLimiter} its rate. Transports decode messages and call in; they write
 * what {@link #deliveries()} emits and close with {@link #closeReason()} when it
 * completes. Internal API: made by a {@link ConnectionFactory}.
 *
 * @since 0.1.0
 */
public final class ClientConnection implements OutboundQueue.Pressure, PresenceRegistry.Holder {

	private static final Log logger = LogFactory.getLog(ClientConnection.class);

	private static final Duration ABORT_AFTER = Duration.ofSeconds(5);

	private final ConnectionFactory node;

	private final ConnectionTransport transport;

	private final OutboundQueue queue;

	/**
	 * Also the lock under which presence announcements and {@code auth_ok} are queued.
	 */
	private final Subscriptions subscriptions = new Subscriptions();

	private volatile @Nullable DefaultPushSession session;

	private volatile @Nullable Principal principal;

	private volatile @Nullable CloseReason closeReason;

	private volatile long lastSeenNanos = System.nanoTime();

	private volatile long lastPingNanos = System.nanoTime();

	private volatile @Nullable Disposable abortTimer;

	/** Created for credentials that expire only. */
	private @Nullable ExpiryTimer expiry;

	/** The {@link InboundLimiter}'s state of this connection, guarded by {@code this}. */
	private long inboundState = InboundLimiter.FULL;

	/** Guarded by {@code this}. */
	private int refusedInARow;

	private volatile boolean ended;

	/** Guarded by {@code this}: the end was recorded in the metrics. */
	private boolean endRecorded;

	private final long openedNanos = System.nanoTime();

	private volatile boolean holdsSlot;

	/** {@code auth_ok} is queued: frames for this client alone may follow. */
	private volatile boolean started;

	ClientConnection(ConnectionFactory node, ConnectionTransport transport) {
		this.node = node;
		this.transport = transport;
		WireFormat format = transport.format();
		this.queue = new OutboundQueue(node.settings().maxQueuedBytes(), (format != null) ? format : node.codec(),
				this);
		node.metrics().connectionOpened(transport.name());
	}

	PushMetrics metrics() {
		return this.node.metrics();
	}

	/**
	 * Observe a handshake (the {@code pushwire.handshake} observation) and count its
	 * refusals: a transport that authenticates and {@link #start starts} a connection
	 * itself (SSE) wraps that in this.
	 * @param <T> the handshake's result
	 * @param handshake the authentication and start
	 * @return the handshake, observed
	 */
	public <T> Mono<T> observeHandshake(Mono<T> handshake) {
		return this.node.handshake().observed(this, handshake);
	}

	/**
	 * Count a request of the HTTP endpoints (ack, send) against the same rate as inbound
	 * messages.
	 * @return {@code false} when over the rate (the caller answers 429)
	 */
	public boolean admitHttpRequest() {
		synchronized (this) {
			long next = this.node.inbound().admit(this.inboundState);
			if (next == InboundLimiter.REFUSED) {
				this.node.metrics().rateLimited(InboundLimiter.LIMIT);
				return false;
			}
			this.inboundState = next;
			return true;
		}
	}

	/**
	 * Count an inbound message against {@code max-inbound-rate}. Over it the message must
	 * be dropped: the client is told {@code rate_limited}, and a burst's worth of
	 * refusals in a row closes the connection with 1008.
	 * @return {@code true} when the message may be handled
	 */
	public boolean admitInbound() {
		InboundLimiter limiter = this.node.inbound();
		boolean persistent;
		synchronized (this) {
			long next = limiter.admit(this.inboundState);
			if (next != InboundLimiter.REFUSED) {
				this.inboundState = next;
				this.refusedInARow = 0;
				return true;
			}
			persistent = limiter.persistent(++this.refusedInARow);
		}
		this.node.metrics().rateLimited(InboundLimiter.LIMIT);
		if (persistent) {
			close(CloseReason.POLICY);
		}
		else {
			send(limiter.refusal());
		}
		return false;
	}

	/**
	 * The transport's name.
	 * @return {@code websocket} or {@code sse}
	 */
	public String transport() {
		return this.transport.name();
	}

	/**
	 * The messages to write; completes after the {@code goodbye} of a close.
	 * @return the deliveries
	 */
	public Flux<Delivery> deliveries() {
		return this.queue.deliveries();
	}

	/**
	 * Write to a transport directly rather than through {@link #deliveries()}: the queue
	 * writes batches while the transport is ready and is resumed with
	 * {@link #resumeWriting()}.
	 * @param writer the transport's writer
	 */
	public void writeTo(OutboundQueue.Writer writer) {
		this.queue.writeTo(writer);
	}

	/**
	 * The transport given to {@link #writeTo} is ready again (its socket drained).
	 */
	public void resumeWriting() {
		this.queue.resume();
	}

	OutboundQueue queue() {
		return this.queue;
	}

	Subscriptions subscriptions() {
		return this.subscriptions;
	}

	/**
	 * Drain and write on one executor (the event loop of the transport's channel), not on
	 * publishing threads; called before subscribing, so that streams give this
	 * connection's frames to that executor in batches. A {@link LoopExecutor} is drained
	 * at once when offered to from its loop.
	 * @param executor the executor, one instance for every connection on the same loop
	 */
	public void runOn(Executor executor) {
		this.queue.drainOn(executor);
	}

	/**
	 * The bytes waiting in the outbound queue (replays excluded).
	 * @return the count
	 */
	public long queuedBytes() {
		return this.queue.queuedBytes();
	}

	/**
	 * The session, once authenticated.
	 * @return the session or {@code null}
	 */
	public @Nullable DefaultPushSession session() {
		return this.session;
	}

	/**
	 * The principal, once authenticated.
	 * @return the principal or {@code null}
	 */
	public @Nullable Principal principal() {
		return this.principal;
	}

	/**
	 * Why the connection closes, once it does.
	 * @return the reason or {@code null} while open
	 */
	public @Nullable CloseReason closeReason() {
		return this.closeReason;
	}

	/**
	 * Whether the handshake completed.
	 * @return {@code true} once authenticated
	 */
	public boolean isAuthenticated() {
		return this.session != null;
	}

	/**
	 * Whether this connection is subscribed to a channel now (its subscription granted
	 * and not cancelled).
	 * @param channel the channel
	 * @return {@code true} when subscribed
	 */
	public boolean isSubscribed(String channel) {
		return !this.ended && this.subscriptions.get(channel) != null;
	}

	/**
	 * Whether this connection is subscribed to a channel of a kind now.
	 * @param kind the channel kind
	 * @return {@code true} when subscribed to one
	 */
	public boolean isSubscribedToKind(String kind) {
		if (this.ended) {
			return false;
		}
		for (ChannelSubscription subscription : this.subscriptions.snapshot()) {
			String channel = subscription.channel();
			if (channel.equals(kind) || (channel.startsWith(kind) && channel.charAt(kind.length()) == ':')) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the transport ended ({@link #terminated()} was called).
	 * @return {@code true} once the transport ended
	 */
	boolean isEnded() {
		return this.ended;
	}

	/**
	 * Record that the peer was heard from (any inbound message counts).
	 */
	public void touch() {
		this.lastSeenNanos = System.nanoTime();
	}

	/**
	 * Queue a system op.
	 * @param op the op
	 */
	public void send(SystemOp op) {
		this.queue.offerOp(this.queue.format().toBytes(op));
	}

	/**
	 * Queue an op encoded once for many connections (a transport's shared {@code ping}).
	 * @param op the op
	 */
	public void sendPrepared(PreparedMessage op) {
		this.queue.offerOp(op.encoded(this.queue.format()));
	}

	/**
	 * Queue an op this connection's wire format encoded already.
	 * @param encoded the op's encoding
	 */
	void sendEncoded(byte[] encoded) {
		this.queue.offerOp(encoded);
	}

	/**
	 * The wire format this connection speaks.
	 * @return the format
	 */
	WireFormat format() {
		return this.queue.format();
	}

	/**
	 * Queue a transport heartbeat (an SSE comment).
	 */
	public void sendHeartbeat() {
		this.queue.offerHeartbeat();
	}

	/**
	 * Queue a transient frame for this client alone; refused until {@code auth_ok} is
	 * queued, since nothing may reach a client before it (the session is found by its
	 * client id while the handshake still authorizes the capabilities).
	 * @param frame the frame
	 * @param priority its kind's priority
	 * @return {@code false} when the handshake is not done, the connection is closing or
	 * its queue is full
	 */
	public boolean sendTransient(PreparedMessage frame, Priority priority) {
		return this.started && this.queue.offerTransient(frame, priority);
	}

	/**
	 * Authenticate, then {@link #start start}; a failure closes the connection with the
	 * matching code (PROTOCOL.md §4 step 1–3), and any other failure (an authorizer's or
	 * a store's) with {@code error internal} and {@code goodbye shutdown} (1001: the
	 * client may reconnect with backoff).
	 * @param auth the auth op
	 * @param request what the client presented
	 * @return completes when the handshake is done (or the connection is closing)
	 */
	public Mono<Void> handshake(SystemOp.Auth auth, AuthRequest request) {
		return this.node.handshake().handshake(this, auth, request);
	}

	/**
	 * Attach to the session of the client id, subscribe to the capabilities, and queue
	 * {@code auth_ok}, the refusals, any {@code resume_required} and the replay
	 * (PROTOCOL.md §4 step 2–3). Nothing is queued when the session refuses the
	 * principal, and nothing is queued or kept when the transport ended meanwhile (then
	 * the result is empty). When the result fails, the transport calls
	 * {@link #terminated()} to release what was taken.
	 * @param clientId the client id
	 * @param auth the auth op (for SSE, built from the query)
	 * @param principal the authenticated principal
	 * @return the {@code auth_ok} queued
	 * @throws ProtocolException (as an error signal) {@code forbidden} when the client id
	 * belongs to another principal, {@code rate_limited} past
	 * {@code max-connections-per-second} or {@code max-connections-per-principal}
	 */
	public Mono<SystemOp.AuthOk> start(String clientId, SystemOp.Auth auth, Principal principal) {
		return this.node.handshake().start(this, clientId, auth, principal);
	}

	/**
	 * The handshake attached this connection to its session and took a slot of its
	 * principal.
	 * @param principal the authenticated principal
	 * @param session the session attached to
	 * @return {@code false} when the transport ended meanwhile (then the caller
	 * terminates again)
	 */
	boolean attached(Principal principal, DefaultPushSession session) {
		this.principal = principal;
		this.session = session;
		this.holdsSlot = true;
		return !this.ended;
	}

	/**
	 * Queue {@code auth_ok}: frames for this client alone may follow. Under the lock
	 * {@link #announce} takes: an announcement made once {@code auth_ok} is queued
	 * follows it, and none made before is dropped after the client could see
	 * {@code auth_ok}.
	 * @param ok the {@code auth_ok} to queue
	 */
	void started(SystemOp.AuthOk ok) {
		synchronized (this.subscriptions) {
			send(ok);
			this.started = true;
		}
	}

	/**
	 * Handle a message after the handshake.
	 * @param message the message
	 * @return completes when handled; errors become {@code error} ops
	 */
	public Mono<Void> handle(PushMessage message) {
		Mono<Void> result;
		try {
			result = this.node.ops().dispatch(this, message);
		}
		catch (ProtocolException ex) {
			return refused(ex);
		}
		if (result == Mono.<Void>empty()) {
			// Handled already, as most ops are (a pong, an ack): no operators, which the
			// transport's
			// inbound would keep for this idle connection until its next message.
			return result;
		}
		return result.onErrorResume(ProtocolException.class, this::refused);
	}

	private Mono<Void> refused(ProtocolException ex) {
		send(ex.toOp());
		return Mono.empty();
	}

	/**
	 * Queue a presence {@code join} or {@code leave} of a channel this connection is a
	 * member of. Nothing may precede {@code auth_ok}, and a closing connection gets
	 * nothing more; joins and leaves made before {@code auth_ok} was queued show in a
	 * presence asked after it.
	 * @param op the op
	 */
	@Override
	public void announce(PreparedMessage op) {
		synchronized (this.subscriptions) {
			if (this.started && this.closeReason == null) {
				this.queue.offerOp(op.encoded(this.queue.format()));
			}
		}
	}

	/**
	 * New credentials replace the old ones ({@code refresh}): the principal, the
	 * session's, and the expiry timer.
	 * @param principal the principal of the new credentials
	 * @param expiresAtMs when the new credentials expire, in epoch milliseconds, or
	 * {@code null} for never
	 */
	void credentialsRefreshed(Principal principal, @Nullable Long expiresAtMs) {
		this.principal = principal;
		requireSession().refreshed(principal);
		expireAt(expiresAtMs);
	}

	/**
	 * Close with 4011 at an expiry (PROTOCOL.md §7.1), replacing the one armed.
	 * @param at the expiry in epoch milliseconds, or {@code null} for none
	 */
	void expireAt(@Nullable Long at) {
		ExpiryTimer timer;
		synchronized (this) {
			timer = this.expiry;
			if (timer == null && at != null && !this.ended) {
				timer = new ExpiryTimer(this.node::timers, () -> close(CloseReason.TOKEN_EXPIRED));
				this.expiry = timer;
			}
		}
		if (timer != null) {
			timer.expireAt(at);
		}
	}

	void startHeartbeat() {
		// A random phase within one interval: connections that (re)connect together,
		// after a restart
		// or a network blip, would otherwise all be pinged in the same tick, interval
		// after interval.
		long interval = this.node.settings().heartbeat().toNanos();
		this.lastPingNanos = System.nanoTime() - ThreadLocalRandom.current().nextLong(interval);
		this.node.heartbeats().register(this);
		if (this.closeReason != null) {
			this.node.heartbeats().unregister(this);
		}
	}

	/**
	 * One tick of the {@link HeartbeatMonitor}: ping when due, close when silent past the
	 * grace (4010) or stalled past the write timeout (4008).
	 * @param now the tick's {@link System#nanoTime()}
	 */
	void heartbeatTick(long now) {
		PushServerSettings settings = this.node.settings();
		long interval = settings.heartbeat().toNanos();
		if (this.transport.expectsInbound()
				&& now - this.lastSeenNanos > interval + settings.heartbeatGrace().toNanos()) {
			close(CloseReason.HEARTBEAT_TIMEOUT);
		}
		else if (this.queue.stalledNanos() > settings.writeTimeout().toNanos()) {
			close(CloseReason.SLOW_CONSUMER);
		}
		else if (now - this.lastPingNanos >= interval) {
			this.lastPingNanos = now;
			this.transport.heartbeat(this);
		}
	}

	/**
	 * Close: queue a {@code goodbye} with the reason after dropping what is queued; the
	 * transport then closes with the reason's code. If the goodbye is not written within
	 * a few seconds, the transport drops the connection. Idempotent.
	 * @param reason why
	 */
	public void close(CloseReason reason) {
		synchronized (this) {
			if (this.closeReason != null) {
				return;
			}
			this.closeReason = reason;
		}
		if (reason == CloseReason.SLOW_CONSUMER) {
			this.node.metrics().shed(transport());
		}
		this.node.heartbeats().unregister(this);
		// Armed before the goodbye is queued: the transport may end at once, and a timer
		// armed after
		// that would drop whatever the underlying connection serves next (a kept-alive
		// HTTP connection).
		this.abortTimer = Schedulers.parallel().schedule(() -> {
			if (!this.ended) {
				this.transport.abort(reason);
			}
		}, ABORT_AFTER.toMillis(), TimeUnit.MILLISECONDS);
		this.queue.finish(this.queue.format().toBytes(SystemOp.Goodbye.of(reason)));
	}

	/**
	 * Release everything once the transport ended: subscriptions, heartbeat, the
	 * session's connection.
	 */
	public void terminated() {
		this.ended = true;
		CloseReason ending;
		boolean record;
		synchronized (this) {
			if (this.closeReason == null) {
				this.closeReason = CloseReason.NORMAL;
			}
			ending = this.closeReason;
			record = !this.endRecorded;
			this.endRecorded = true;
		}
		if (record) {
			this.node.metrics().connectionClosed(transport(), ending, System.nanoTime() - this.openedNanos);
		}
		this.node.heartbeats().unregister(this);
		ExpiryTimer expiryTimer;
		synchronized (this) {
			expiryTimer = this.expiry;
		}
		if (expiryTimer != null) {
			expiryTimer.cancel();
		}
		Disposable timer = this.abortTimer;
		if (timer != null) {
			timer.dispose();
		}
		this.queue.finish(null);
		// After ended is set: a membership recorded from now on is undone by presenceAdd
		// itself.
		this.node.subscriber().cancelAll(this);
		DefaultPushSession current = this.session;
		if (current != null) {
			this.node.sessions().detach(current, this);
		}
		Principal owner = this.principal;
		synchronized (this) {
			if (this.holdsSlot && owner != null) {
				this.holdsSlot = false;
				this.node.admission().releaseConnectionSlot(owner);
			}
		}
	}

	@Override
	public void slow(long freeBytes) {
		this.node.metrics().slow(transport());
		send(new SystemOp.Slow(freeBytes));
	}

	@Override
	public void draining(long queuedBytes) {
		this.node.metrics().queueBytes(queuedBytes);
	}

	@Override
	public void full() {
		queueFull();
	}

	void queueFull() {
		if (logger.isDebugEnabled()) {
			logger.debug("Shedding slow consumer " + this.session);
		}
		close(CloseReason.SLOW_CONSUMER);
	}

	Principal requirePrincipal() {
		Principal current = this.principal;
		if (current == null) {
			throw new ProtocolException(ErrorCode.UNAUTHORIZED, "Not authenticated");
		}
		return current;
	}

	DefaultPushSession requireSession() {
		DefaultPushSession current = this.session;
		if (current == null) {
			throw new ProtocolException(ErrorCode.UNAUTHORIZED, "Not authenticated");
		}
		return current;
	}

}

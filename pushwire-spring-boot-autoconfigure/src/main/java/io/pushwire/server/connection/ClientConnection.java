package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.pushwire.core.CloseReason;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;
import io.pushwire.core.WireFormat;
import io.pushwire.server.channel.ChannelRegistry.ResolvedChannel;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.ChannelStream;
import io.pushwire.server.stream.ResumePlan;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * One client's connection, whatever carries it: its session and principal, its subscriptions, its
 * outbound queue and heartbeat, the expiry of its credentials, and the protocol's requests
 * (PROTOCOL.md §4–§7). Transports decode
 * messages and call in; they write what {@link #deliveries()} emits and close with
 * {@link #closeReason()} when it completes.
 */
public final class ClientConnection implements OutboundQueue.Pressure {

	private static final Log logger = LogFactory.getLog(ClientConnection.class);

	private static final Duration ABORT_AFTER = Duration.ofSeconds(5);

	private final PushEngine engine;

	private final ConnectionTransport transport;

	private final OutboundQueue queue;

	private final Map<String, ChannelSubscription> subscriptions = new ConcurrentHashMap<>();

	private final FrameDispatcher dispatcher;

	private volatile @Nullable DefaultPushSession session;

	private volatile @Nullable Principal principal;

	private volatile @Nullable CloseReason closeReason;

	private volatile long lastSeenNanos = System.nanoTime();

	private volatile long lastPingNanos = System.nanoTime();


	private volatile @Nullable Disposable abortTimer;

	/** Created for credentials that expire only. */
	private @Nullable ExpiryTimer expiry;

	private volatile boolean ended;

	private final io.pushwire.server.connection.TokenBucket inbound;

	private int refusedInARow;

	private volatile boolean holdsSlot;

	/** {@code auth_ok} is queued: frames for this client alone may follow. */
	private volatile boolean started;

	/**
	 * The channels of kinds with presence or join-leave whose membership this connection holds, each
	 * with whether its kind announces joins and leaves; at most {@code max-subscriptions} of them.
	 */
	private volatile @Nullable Map<String, Boolean> presenceChannels;

	/** This connection in the presence registry (one instance: the registry compares holders by identity). */
	private final PresenceRegistry.Holder presenceHolder = this::announcePresence;

	/**
	 * Create a connection.
	 * @param engine the server's engine
	 * @param transport the transport that carries it
	 */
	public ClientConnection(PushEngine engine, ConnectionTransport transport) {
		this.engine = engine;
		this.transport = transport;
		WireFormat format = transport.format();
		this.queue = new OutboundQueue(engine.settings().maxQueuedBytes(),
				(format != null) ? format : engine.codec(), this);
		this.dispatcher = new FrameDispatcher(engine);
		this.inbound = new io.pushwire.server.connection.TokenBucket(engine.limits().maxInboundRate(),
				engine.limits().maxInboundBurst());
	}

	/**
	 * Count a request of the HTTP endpoints (ack, send) against the same rate as inbound messages.
	 * @return {@code false} when over the rate (the caller answers 429)
	 */
	public boolean admitHttpRequest() {
		return this.inbound.tryAcquire();
	}

	/**
	 * Count an inbound message against {@code max-inbound-rate}. Over it the message must be dropped:
	 * the client is told {@code rate_limited}, and a burst's worth of refusals in a row closes the
	 * connection with 1008.
	 * @return {@code true} when the message may be handled
	 */
	public boolean admitInbound() {
		if (this.inbound.tryAcquire()) {
			synchronized (this.inbound) {
				this.refusedInARow = 0;
			}
			return true;
		}
		boolean persistent;
		synchronized (this.inbound) {
			persistent = ++this.refusedInARow >= this.engine.limits().maxInboundBurst();
		}
		if (persistent) {
			close(CloseReason.POLICY);
		}
		else {
			send(SystemOp.Error.of(ErrorCode.RATE_LIMITED, "More than " + this.engine.limits().maxInboundRate()
					+ " messages per second; this one was dropped, slow down", null));
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
	 * Write to a transport directly rather than through {@link #deliveries()}: the queue writes
	 * batches while the transport is ready and is resumed with {@link #resumeWriting()}.
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

	/**
	 * Bind to the Netty channel that carries this connection: drain and write on its event loop (not
	 * on publishing threads, and before subscribing, so that streams give this connection's frames to
	 * that loop in batches), and fix its socket's send buffer to {@code socket-send-buffer}.
	 * @param channel the channel
	 */
	public void runOn(io.netty.channel.Channel channel) {
		this.queue.drainOn(channel.eventLoop());
		SocketOptions.sendBuffer(channel, this.engine.settings().socketSendBuffer());
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
	 * Queue a transport heartbeat (an SSE comment).
	 */
	public void sendHeartbeat() {
		this.queue.offerHeartbeat();
	}

	/**
	 * Queue a transient frame for this client alone; refused until {@code auth_ok} is queued, since
	 * nothing may reach a client before it (the session is found by its client id while the
	 * handshake still authorizes the capabilities).
	 * @param frame the frame
	 * @param priority its kind's priority
	 * @return {@code false} when the handshake is not done, the connection is closing or its queue is full
	 */
	public boolean sendTransient(PreparedMessage frame, io.pushwire.server.channel.Priority priority) {
		return this.started && this.queue.offerTransient(frame, priority);
	}

	/**
	 * Authenticate, then {@link #start start}; a failure closes the connection with the matching code
	 * (PROTOCOL.md §4 step 1–3), and any other failure (an authorizer's or a store's) with
	 * {@code error internal} and {@code goodbye shutdown} (1001: the client may reconnect with backoff).
	 * @param auth the auth op
	 * @param request what the client presented
	 * @return completes when the handshake is done (or the connection is closing)
	 */
	public Mono<Void> handshake(SystemOp.Auth auth, io.pushwire.security.AuthRequest request) {
		String clientId = auth.clientId();
		if (clientId != null && !ClientIds.isValid(clientId)) {
			close(CloseReason.POLICY);
			return Mono.empty();
		}
		String id = (clientId != null) ? clientId : ClientIds.newId();
		return this.engine.authenticate(request, id)
			.flatMap((principal) -> start(id, auth, principal))
			.then()
			.onErrorResume((failure) -> {
				if (!(failure instanceof ProtocolException ex)) {
					// An authorizer or store failed: the client is not at fault and may try again later.
					logger.error("The handshake of a push client failed", failure);
					send(SystemOp.Error.of(ErrorCode.INTERNAL,
							"The server failed to complete the handshake; reconnect later", null));
					close(CloseReason.SHUTDOWN);
				}
				else if (ex.code() == ErrorCode.RATE_LIMITED) {
					send(ex.toOp());
					close(CloseReason.POLICY);
				}
				else {
					close((ex.code() == ErrorCode.FORBIDDEN) ? CloseReason.FORBIDDEN : CloseReason.UNAUTHORIZED);
				}
				return Mono.empty();
			});
	}

	/**
	 * Attach to the session of the client id, subscribe to the capabilities, and queue
	 * {@code auth_ok}, the refusals, any {@code resume_required} and the replay (PROTOCOL.md §4
	 * step 2–3). Nothing is queued when the session refuses the principal, and nothing is queued or
	 * kept when the transport ended meanwhile (then the result is empty). When the result fails, the
	 * transport calls {@link #terminated()} to release what was taken.
	 * @param clientId the client id
	 * @param auth the auth op (for SSE, built from the query)
	 * @param principal the authenticated principal
	 * @return the {@code auth_ok} queued
	 * @throws ProtocolException (as an error signal) {@code forbidden} when the client id belongs to
	 * another principal, {@code rate_limited} past {@code max-connections-per-second} or
	 * {@code max-connections-per-principal}
	 */
	public Mono<SystemOp.AuthOk> start(String clientId, SystemOp.Auth auth, Principal principal) {
		return Mono.defer(() -> {
			// Only now, after authentication: refused clients must not use up the legitimate ones' budget.
			if (!this.engine.admitNewConnection()) {
				throw new ProtocolException(ErrorCode.RATE_LIMITED,
						"Too many new connections on this server; retry with backoff");
			}
			Long expiresAtMs = ExpiryTimer.epochMillis(this.engine.credentialsExpiry(principal));
			DefaultPushSession existing = this.engine.sessions().local(clientId);
			boolean replacing = existing != null && existing.isConnected()
					&& existing.principal().getName().equals(principal.getName());
			this.engine.acquireConnectionSlot(principal, replacing);
			Mono<SessionRegistry.Attached> attaching;
			try {
				attaching = this.engine.sessions().attach(clientId, principal, this, auth.sessionSecret());
			}
			catch (RuntimeException ex) {
				this.engine.releaseConnectionSlot(principal);
				throw ex;
			}
			return attaching.doOnError((ex) -> this.engine.releaseConnectionSlot(principal)).flatMap((attached) -> {
				this.principal = principal;
				this.session = attached.session();
				this.holdsSlot = true;
				if (this.ended) {
					// The transport ended (a cancel) while this ran: terminated() may have missed the session
					// and the slot just taken. Each side writes its flag before reading the other's.
					terminated();
					return Mono.empty();
				}
				if (attached.replaced() != null) {
					// The client keeps its memberships through the replacement: the new connection holds them
					// before the old one can end, then drops those it does not subscribe to again.
					attached.replaced().handOverPresence(this);
					attached.replaced().close(CloseReason.REPLACED);
				}
				Map<String, ResumeToken.Position> resume = new LinkedHashMap<>();
				for (String channel : new LinkedHashSet<>(auth.capabilities())) {
					Long cursor = auth.resumeCursors().get(channel);
					if (cursor == null) {
						cursor = auth.resumeCursor();
					}
					if (cursor != null) {
						resume.put(channel, new ResumeToken.Position(cursor, auth.resumeEpochs().get(channel)));
					}
				}
				return subscribeAll(auth.capabilities(), resume).map((result) -> {
					Map<String, Long> after = new LinkedHashMap<>();
					Map<String, Long> heads = new LinkedHashMap<>();
					Map<String, String> epochs = new LinkedHashMap<>();
					for (ChannelSubscription subscription : result.granted()) {
						ResumePlan plan = subscription.plan();
						after.put(plan.channel(), plan.after());
						heads.put(plan.channel(), plan.head());
						epochs.put(plan.channel(), plan.epoch());
					}
					SystemOp.AuthOk ok = new SystemOp.AuthOk(clientId, after, heads, epochs,
							this.engine.settings().heartbeat().toMillis(), this.engine.settings().features(), expiresAtMs,
							attached.newSessionSecret());
					// Armed before auth_ok is queued, so that a client that read it can count on the timer.
					expireAt(expiresAtMs);
					Set<String> granted = new LinkedHashSet<>();
					result.granted().forEach((subscription) -> granted.add(subscription.channel()));
					// Members before auth_ok (a presence asked by anyone once it arrived lists this client),
					// announced after it.
					List<String> joined = presenceAdd(granted);
					// Under the lock announcePresence takes: an announcement made once auth_ok is queued
					// follows it, and none made before is dropped after the client could see auth_ok.
					synchronized (this.presenceHolder) {
						send(ok);
						this.started = true;
					}
					result.errors().forEach(this::send);
					result.release(this);
					startHeartbeat();
					for (String held : new ArrayList<>(presenceChannels(false).keySet())) {
						if (!granted.contains(held)) {
							// Handed over by a replaced connection, not subscribed to again.
							presenceLeft(held);
						}
					}
					presenceAnnounce(joined);
					return ok;
				});
			});
		});
	}

	/**
	 * Handle a message after the handshake.
	 * @param message the message
	 * @return completes when handled; errors become {@code error} ops
	 */
	public Mono<Void> handle(io.pushwire.core.PushMessage message) {
		return Mono.defer(() -> dispatch(message)).onErrorResume(ProtocolException.class, (ex) -> {
			send(ex.toOp());
			return Mono.empty();
		});
	}

	private Mono<Void> dispatch(io.pushwire.core.PushMessage message) {
		Mono<Void> result;
		if (message instanceof Frame frame) {
			result = this.dispatcher.dispatch(frame, requirePrincipal(), requireSession());
		}
		else if (message instanceof SystemOp.Subscribe subscribe) {
			result = subscribe(subscribe);
		}
		else if (message instanceof SystemOp.Unsubscribe unsubscribe) {
			unsubscribe(unsubscribe.channels());
			result = Mono.empty();
		}
		else if (message instanceof SystemOp.Ack ack) {
			result = this.engine.acknowledge(requireSession(), ack.channel(), ack.cursor());
		}
		else if (message instanceof SystemOp.Ping) {
			send(new SystemOp.Pong());
			result = Mono.empty();
		}
		else if (message instanceof SystemOp.Pong) {
			result = Mono.empty();
		}
		else if (message instanceof SystemOp.Goodbye) {
			close(CloseReason.NORMAL);
			result = Mono.empty();
		}
		else if (message instanceof SystemOp.Features features) {
			List<String> enabled = new ArrayList<>();
			for (String requested : features.requested()) {
				if (this.engine.settings().features().contains(requested)) {
					enabled.add(requested);
				}
			}
			send(new SystemOp.Features(enabled, Collections.emptyList()));
			result = Mono.empty();
		}
		else if (message instanceof SystemOp.Refresh refresh) {
			result = refresh(refresh);
		}
		else if (message instanceof SystemOp.Presence presence) {
			result = presence(presence.channel());
		}
		else if (message instanceof SystemOp.Auth) {
			result = Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE, "Already authenticated: send auth once"));
		}
		else if (message instanceof SystemOp.Relay relay) {
			result = Mono.error(new ProtocolException(ErrorCode.NO_HANDLER,
					"Relay is not enabled on this server", relay.channel()));
		}
		else {
			result = Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE,
					"'" + ((SystemOp) message).type() + "' is not accepted from clients"));
		}
		return result;
	}

	/**
	 * Answer {@code presence} (PROTOCOL.md §12): the members of a channel of a kind with presence that
	 * this client may subscribe to, whether or not it did.
	 */
	private Mono<Void> presence(String channel) {
		ResolvedChannel resolved = this.engine.resolveFromClient(channel);
		if (!resolved.kind().presence()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Channel kind '" + resolved.kind().name()
					+ "' does not offer presence (pushwire.server.channels." + resolved.kind().name()
					+ ".presence is false); cannot list who is subscribed to " + channel, channel);
		}
		return this.engine.authorizer()
			.canSubscribe(requirePrincipal(), resolved.name(), resolved.kind())
			.defaultIfEmpty(false)
			.doOnNext((allowed) -> {
				if (allowed) {
					sendPresenceList(channel);
				}
				else {
					send(SystemOp.Error.of(ErrorCode.FORBIDDEN, "Not allowed to subscribe to " + channel
							+ ", so not allowed to see who is subscribed to it", channel));
				}
			})
			.onErrorResume((ex) -> !(ex instanceof ProtocolException), (ex) -> {
				logger.error("Listing the presence of " + channel + " failed", ex);
				send(SystemOp.Error.of(ErrorCode.INTERNAL, "Could not list who is subscribed to " + channel
						+ "; the server logged the cause, try again later", channel));
				return Mono.empty();
			})
			.then();
	}

	/**
	 * A list past half the outbound queue would shed the asking client (4008) for a question it may
	 * ask: it is refused instead, and the connection stays open.
	 */
	private void sendPresenceList(String channel) {
		List<SystemOp.PresenceEntry> members = this.engine.presence().members(channel);
		byte[] json = this.queue.format().toBytes(new SystemOp.PresenceList(channel, members));
		if (json.length > this.engine.settings().maxQueuedBytes() / 2) {
			send(SystemOp.Error.of(ErrorCode.TOO_LARGE, channel + " has " + members.size()
					+ " members, too many to list over this connection (" + json.length
					+ " bytes); the application can list them with PushServer.presence", channel));
		}
		else {
			this.queue.offerOp(json);
		}
	}

	/**
	 * Become a member of the channels just granted whose kind has presence or join-leave (before the
	 * client is told, so that a presence asked once it was told lists it). Added to the registry before
	 * being recorded here, and undone when the connection ended meanwhile, so that
	 * {@link #terminated()} never misses a membership.
	 * @return the channels to announce the client's join on
	 */
	private List<String> presenceAdd(Collection<String> channels) {
		List<String> joined = new ArrayList<>();
		DefaultPushSession current = this.session;
		Principal owner = this.principal;
		if (current == null || owner == null) {
			return joined;
		}
		for (String channel : channels) {
			io.pushwire.server.channel.ChannelKind kind = this.engine.channels().resolve(channel).kind();
			if ((kind.presence() || kind.joinLeave()) && !this.ended) {
				boolean added = this.engine.presence()
					.add(channel, current.clientId(), owner.getName(), this.presenceHolder);
				presenceChannels(true).put(channel, kind.joinLeave());
				if (this.ended) {
					presenceLeft(channel);
				}
				else if (added && kind.joinLeave()) {
					joined.add(channel);
				}
			}
		}
		return joined;
	}

	/**
	 * The presence memberships, made on first use: most connections never subscribe to a kind with
	 * presence, and an empty map would cost each of them 64 bytes.
	 */
	private Map<String, Boolean> presenceChannels(boolean create) {
		Map<String, Boolean> channels = this.presenceChannels;
		if (channels == null) {
			if (!create) {
				return java.util.Collections.emptyMap();
			}
			synchronized (this) {
				channels = this.presenceChannels;
				if (channels == null) {
					channels = new ConcurrentHashMap<>();
					this.presenceChannels = channels;
				}
			}
		}
		return channels;
	}

	/** Announce this client's join on channels, after it was told it subscribed. */
	private void presenceAnnounce(List<String> channels) {
		DefaultPushSession current = this.session;
		if (current != null) {
			channels.forEach((channel) -> this.engine.presence().announceJoin(channel, current.clientId()));
		}
	}

	/** Give up this connection's membership of a channel; the client leaves when no other connection holds it. */
	private void presenceLeft(String channel) {
		Boolean announce = presenceChannels(false).remove(channel);
		DefaultPushSession current = this.session;
		if (announce != null && current != null) {
			this.engine.presence().leave(channel, current.clientId(), this.presenceHolder, announce);
		}
	}

	/**
	 * This connection is being replaced: the new one holds its memberships from now on too, and gives
	 * up those it does not subscribe to again once it sent {@code auth_ok}.
	 */
	void handOverPresence(ClientConnection successor) {
		DefaultPushSession current = this.session;
		if (current == null) {
			return;
		}
		presenceChannels(false).forEach((channel, announce) -> {
			if (this.engine.presence()
				.handOver(channel, current.clientId(), this.presenceHolder, successor.presenceHolder)) {
				successor.presenceChannels(true).put(channel, announce);
				if (successor.ended) {
					successor.presenceLeft(channel);
				}
			}
		});
	}

	private void announcePresence(PreparedMessage op) {
		// Nothing may precede auth_ok; a closing connection gets nothing more. Joins and leaves made
		// before auth_ok was queued show in a presence asked after it.
		synchronized (this.presenceHolder) {
			if (this.started && this.closeReason == null) {
				this.queue.offerOp(op.encoded(this.queue.format()));
			}
		}
	}

	private Mono<Void> subscribe(SystemOp.Subscribe subscribe) {
		Map<String, ResumeToken.Position> resume = new LinkedHashMap<>();
		subscribe.cursors()
			.forEach((channel, cursor) -> resume.put(channel,
					new ResumeToken.Position(cursor, subscribe.epochs().get(channel))));
		return subscribeAll(subscribe.channels(), resume).doOnNext((result) -> {
			result.errors().forEach(this::send);
			List<String> channels = new ArrayList<>();
			Map<String, Long> heads = new LinkedHashMap<>();
			Map<String, String> epochs = new LinkedHashMap<>();
			for (ChannelSubscription subscription : result.granted()) {
				ResumePlan plan = subscription.plan();
				channels.add(plan.channel());
				heads.put(plan.channel(), plan.after());
				epochs.put(plan.channel(), plan.epoch());
				if (plan.resumeRequired()) {
					send(new SystemOp.ResumeRequired(plan.channel(), plan.fromCursor(), plan.epoch()));
				}
			}
			List<String> joined = presenceAdd(channels);
			send(new SystemOp.Subscribed(channels, heads, epochs));
			result.releaseReplays();
			presenceAnnounce(joined);
		}).then();
	}

	/**
	 * Subscribe to channels: refusals and failures become errors, granted channels are attached held.
	 * A channel that fails (an authorizer or a store that errors) fails alone: the others are still
	 * granted, confirmed and released, rather than left held and never confirmed.
	 */
	private Mono<SubscribeResult> subscribeAll(List<String> requested, Map<String, ResumeToken.Position> resume) {
		SubscribeResult result = new SubscribeResult();
		return Flux.fromIterable(new LinkedHashSet<>(requested))
			.concatMap((channel) -> Mono.defer(() -> subscribeOne(channel, resume.get(channel), result))
				.onErrorResume((ex) -> {
					result.errors().add(subscribeFailed(channel, ex));
					return Mono.empty();
				}))
			.then(Mono.fromSupplier(() -> result));
	}

	private static SystemOp.Error subscribeFailed(String channel, Throwable ex) {
		if (ex instanceof ProtocolException protocolException) {
			return SystemOp.Error.of(protocolException.code(), protocolException.getMessage(), channel);
		}
		logger.error("Subscribing to " + channel + " failed", ex);
		return SystemOp.Error.of(ErrorCode.INTERNAL, "Could not subscribe to " + channel
				+ "; the server logged the cause, try again later", channel);
	}

	private Mono<Void> subscribeOne(String channel, ResumeToken.@Nullable Position requested, SubscribeResult result) {
		ResolvedChannel resolved;
		try {
			resolved = this.engine.resolveFromClient(channel);
		}
		catch (ProtocolException ex) {
			result.errors().add(ex.toOp());
			return Mono.empty();
		}
		ChannelSubscription existing = this.subscriptions.get(channel);
		// Granted subscriptions are in the map already (channels are subscribed one after another).
		if (existing == null && this.subscriptions.size() >= this.engine.settings().maxSubscriptions()) {
			result.errors()
				.add(SystemOp.Error.of(ErrorCode.BAD_MESSAGE, "A connection may subscribe to at most "
						+ this.engine.settings().maxSubscriptions() + " channels; unsubscribe first", channel));
			return Mono.empty();
		}
		Principal principal = requirePrincipal();
		DefaultPushSession session = requireSession();
		return this.engine.authorizer()
			.canSubscribe(principal, resolved.name(), resolved.kind())
			.defaultIfEmpty(false)
			.flatMap((allowed) -> {
				if (!allowed) {
					result.errors()
						.add(SystemOp.Error.of(ErrorCode.FORBIDDEN, "Not allowed to subscribe to " + channel, channel));
					return Mono.empty();
				}
				ResumeToken.Position from = requested;
				ChannelSubscription previous = this.subscriptions.remove(channel);
				if (previous != null) {
					// Cancelled before the new attachment, so that no frame reaches the client twice.
					previous.cancel();
					if (from == null) {
						from = new ResumeToken.Position(previous.lastCursor(), previous.plan().epoch());
					}
				}
				if (from == null) {
					from = session.acknowledged(channel);
				}
				ChannelSubscription subscription = new ChannelSubscription(this, channel, resolved.kind());
				ChannelStream stream = this.engine.streams().stream(resolved.name(), resolved.kind());
				return attach(stream, from, subscription).doOnNext((attachment) -> {
					this.subscriptions.put(channel, subscription);
					session.channelAdded(channel, attachment.plan().epoch());
					result.granted().add(subscription);
					if (this.closeReason != null) {
						subscription.cancel();
					}
				}).then();
			});
	}

	/**
	 * Attach a subscription to its stream. The stream adds the listener before it emits the
	 * attachment, and a cancelled Mono drops what it would have emitted (with the handle that
	 * detaches): so the attachment is awaited whatever happens downstream, and a subscription
	 * cancelled meanwhile is detached as soon as it arrives.
	 */
	private static Mono<Attachment> attach(ChannelStream stream, ResumeToken.@Nullable Position from,
			ChannelSubscription subscription) {
		return Mono.create((sink) -> {
			sink.onCancel(subscription::cancel);
			stream.attach(from, subscription).contextWrite(sink.contextView()).subscribe((attachment) -> {
				subscription.attached(attachment);
				sink.success(attachment);
			}, sink::error, sink::success);
		});
	}

	private void unsubscribe(List<String> channels) {
		List<String> removed = new ArrayList<>();
		DefaultPushSession session = requireSession();
		@Nullable Priority lowest = null;
		for (String channel : channels) {
			ChannelSubscription subscription = this.subscriptions.remove(channel);
			if (subscription != null) {
				subscription.cancel();
				if (lowest == null || subscription.priority().lane() > lowest.lane()) {
					lowest = subscription.priority();
				}
			}
			session.channelRemoved(channel);
			removed.add(channel);
		}
		sendUnsubscribed(removed, lowest);
		removed.forEach(this::presenceLeft);
	}

	private void sendUnsubscribed(List<String> removed, @Nullable Priority lowest) {
		byte[] json = this.queue.format().toBytes(new SystemOp.Unsubscribed(removed));
		if (lowest != null) {
			// Behind the frames of these channels already queued: in the op lane it would overtake
			// them, and the client would get frames of a channel it was told it left.
			this.queue.offerOpBehind(json, lowest);
		}
		else {
			this.queue.offerOp(json);
		}
	}

	/**
	 * New credentials for the same principal (PROTOCOL.md §7.1): every subscribed channel is authorized
	 * again for them, then they replace the old ones: {@code refreshed}, the expiry timer moved, and an
	 * {@code error forbidden} per channel no longer allowed, then {@code unsubscribed}. Refused
	 * credentials leave the old ones in force.
	 */
	private Mono<Void> refresh(SystemOp.Refresh refresh) {
		Principal current = requirePrincipal();
		DefaultPushSession session = requireSession();
		return this.engine.reauthenticate(refresh.token(), current).flatMap((principal) -> {
			Long expiresAtMs = ExpiryTimer.epochMillis(this.engine.credentialsExpiry(principal));
			return Flux.fromIterable(new ArrayList<>(this.subscriptions.values()))
				.concatMap((subscription) -> {
					ResolvedChannel resolved = this.engine.channels().resolve(subscription.channel());
					return this.engine.authorizer()
						.canSubscribe(principal, resolved.name(), resolved.kind())
						.defaultIfEmpty(false)
						.filter((allowed) -> !allowed)
						.map((refused) -> subscription);
				})
				.collectList()
				.doOnNext((revoked) -> refreshed(principal, expiresAtMs, revoked, session));
		}).then();
	}

	private void refreshed(Principal principal, @Nullable Long expiresAtMs, List<ChannelSubscription> revoked,
			DefaultPushSession session) {
		if (this.closeReason != null) {
			return;
		}
		List<String> removed = new ArrayList<>();
		@Nullable Priority lowest = null;
		for (ChannelSubscription subscription : revoked) {
			if (this.subscriptions.remove(subscription.channel(), subscription)) {
				subscription.cancel();
				session.channelRemoved(subscription.channel());
				removed.add(subscription.channel());
				if (lowest == null || subscription.priority().lane() > lowest.lane()) {
					lowest = subscription.priority();
				}
			}
		}
		this.principal = principal;
		session.refreshed(principal);
		expireAt(expiresAtMs);
		// refreshed first: an error that follows it with a channel is a revoked channel, not a refused refresh.
		send(new SystemOp.Refreshed(expiresAtMs));
		for (String channel : removed) {
			send(SystemOp.Error.of(ErrorCode.FORBIDDEN,
					"No longer allowed to subscribe to " + channel + " with the refreshed credentials", channel));
		}
		if (!removed.isEmpty()) {
			sendUnsubscribed(removed, lowest);
		}
		removed.forEach(this::presenceLeft);
	}

	/** Close with 4011 at an expiry (PROTOCOL.md §7.1), replacing the one armed. */
	private void expireAt(@Nullable Long at) {
		ExpiryTimer timer;
		synchronized (this) {
			timer = this.expiry;
			if (timer == null && at != null && !this.ended) {
				timer = new ExpiryTimer(this.engine::timers, () -> close(CloseReason.TOKEN_EXPIRED));
				this.expiry = timer;
			}
		}
		if (timer != null) {
			timer.expireAt(at);
		}
	}

	private void startHeartbeat() {
		// A random phase within one interval: connections that (re)connect together, after a restart
		// or a network blip, would otherwise all be pinged in the same tick, interval after interval.
		long interval = this.engine.settings().heartbeat().toNanos();
		this.lastPingNanos = System.nanoTime() - ThreadLocalRandom.current().nextLong(interval);
		this.engine.heartbeats().register(this);
		if (this.closeReason != null) {
			this.engine.heartbeats().unregister(this);
		}
	}

	/**
	 * One tick of the {@link HeartbeatMonitor}: ping when due, close when silent past the grace
	 * (4010) or stalled past the write timeout (4008).
	 * @param now the tick's {@link System#nanoTime()}
	 */
	void heartbeatTick(long now) {
		long interval = this.engine.settings().heartbeat().toNanos();
		if (this.transport.expectsInbound()
				&& now - this.lastSeenNanos > interval + this.engine.settings().heartbeatGrace().toNanos()) {
			close(CloseReason.HEARTBEAT_TIMEOUT);
		}
		else if (this.queue.stalledNanos() > this.engine.settings().writeTimeout().toNanos()) {
			close(CloseReason.SLOW_CONSUMER);
		}
		else if (now - this.lastPingNanos >= interval) {
			this.lastPingNanos = now;
			this.transport.heartbeat(this);
		}
	}

	/**
	 * Close: queue a {@code goodbye} with the reason after dropping what is queued; the transport then
	 * closes with the reason's code. If the goodbye is not written within a few seconds, the transport
	 * drops the connection. Idempotent.
	 * @param reason why
	 */
	public void close(CloseReason reason) {
		synchronized (this) {
			if (this.closeReason != null) {
				return;
			}
			this.closeReason = reason;
		}
		this.engine.heartbeats().unregister(this);
		// Armed before the goodbye is queued: the transport may end at once, and a timer armed after
		// that would drop whatever the underlying connection serves next (a kept-alive HTTP connection).
		this.abortTimer = Schedulers.parallel().schedule(() -> {
			if (!this.ended) {
				this.transport.abort(reason);
			}
		}, ABORT_AFTER.toMillis(), TimeUnit.MILLISECONDS);
		this.queue.finish(this.queue.format().toBytes(SystemOp.Goodbye.of(reason)));
	}

	/**
	 * Release everything once the transport ended: subscriptions, heartbeat, the session's connection.
	 */
	public void terminated() {
		this.ended = true;
		synchronized (this) {
			if (this.closeReason == null) {
				this.closeReason = CloseReason.NORMAL;
			}
		}
		this.engine.heartbeats().unregister(this);
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
		this.subscriptions.values().forEach(ChannelSubscription::cancel);
		this.subscriptions.clear();
		// After ended is set: a membership recorded from now on is undone by presenceAdd itself.
		new ArrayList<>(presenceChannels(false).keySet()).forEach(this::presenceLeft);
		DefaultPushSession current = this.session;
		if (current != null) {
			this.engine.sessions().detach(current, this);
		}
		Principal owner = this.principal;
		synchronized (this) {
			if (this.holdsSlot && owner != null) {
				this.holdsSlot = false;
				this.engine.releaseConnectionSlot(owner);
			}
		}
	}

	@Override
	public void slow(long freeBytes) {
		send(new SystemOp.Slow(freeBytes));
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

	/** The outcome of subscribing to several channels. */
	private static final class SubscribeResult {

		private final List<ChannelSubscription> granted = Collections.synchronizedList(new ArrayList<>());

		private final List<SystemOp.Error> errors = Collections.synchronizedList(new ArrayList<>());

		List<ChannelSubscription> granted() {
			return this.granted;
		}

		List<SystemOp.Error> errors() {
			return this.errors;
		}

		/** For auth_ok: the resume_required ops, then every replay. */
		void release(ClientConnection connection) {
			for (ChannelSubscription subscription : this.granted) {
				ResumePlan plan = subscription.plan();
				if (plan.resumeRequired()) {
					connection.send(new SystemOp.ResumeRequired(plan.channel(), plan.fromCursor(), plan.epoch()));
				}
			}
			releaseReplays();
		}

		void releaseReplays() {
			this.granted.forEach(ChannelSubscription::release);
		}

	}

}

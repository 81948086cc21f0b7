package io.pushwire.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ChannelName;
import io.pushwire.core.CursorTracker;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;

/**
 * The reactive pushwire client: one connection (WebSocket or SSE) multiplexing every
 * subscribed channel, with reconnect and resume so that the application sees every frame
 * once, in order.
 * <p>
 * Build one with {@link #builder()} (or inject the auto-configured {@link Builder}), then
 * {@link #connect()}. Frames arrive on {@link #frames()} (hot; each subscriber has its
 * own bounded buffer) or through a {@link ChannelReceiver} ({@link #on}). The client
 * tracks each channel's cursor and epoch (PROTOCOL.md §5.5), drops duplicates, reports
 * gaps and lost resume points, and resumes from the tracked positions after every
 * reconnect. Frames sent while disconnected wait in a bounded queue and are written in
 * order once connected again.
 *
 * @since 0.2.0
 */
public final class PushClient {

	private static final Log logger = LogFactory.getLog(PushClient.class);

	final ClientSettings settings;

	final ProtocolCodec codec;

	final JsonMapper payloadMapper;

	final PushCredentials credentials;

	private final CursorStore cursorStore;

	final Scheduler scheduler;

	final List<Transport> transports;

	final CursorTracker tracker = new CursorTracker();

	private final SendQueue sendQueue;

	final Sinks.Many<PushFrame<JsonNode>> frames = Sinks.many().multicast().directBestEffort();

	private final Sinks.Many<PushClientEvent> events = Sinks.many().multicast().directBestEffort();

	private final Map<String, List<ChannelReceiver>> receivers = new ConcurrentHashMap<>();

	final Map<String, Long> pendingAcks = new ConcurrentHashMap<>();

	// Guarded by this.
	final Set<String> channels = new LinkedHashSet<>();

	final List<Sinks.Empty<Void>> connectWaiters = new ArrayList<>();

	final Map<String, List<Sinks.Empty<Void>>> subscribeWaiters = new LinkedHashMap<>();

	final Map<String, List<Sinks.One<List<PresenceEntry>>>> presenceWaiters = new LinkedHashMap<>();

	String clientId;

	final boolean clientIdConfigured;

	@Nullable String sessionSecret;

	List<String> features = List.of();

	volatile PushClientStatus status = PushClientStatus.DISCONNECTED;

	private boolean running;

	private boolean loaded;

	@Nullable ClientSession session;

	private @Nullable Disposable retryTimer;

	long attempt;

	long reconnectCount;

	boolean everConnected;

	private @Nullable Throwable lastError;

	@Nullable Instant connectedSince;

	private int urlIndex;

	private final AtomicBoolean draining = new AtomicBoolean();

	volatile boolean storeDirty;

	/** Set by the builder; {@code null} for a client built with its own transports. */
	@Nullable AssetDownloader assetDownloader;

	/**
	 * The channels and kinds to ask delta updates for (PROTOCOL.md §8.3); set by the
	 * builder.
	 */
	ClientDeltas.Settings deltaSettings = ClientDeltas.Settings.none();

	PushClient(ClientSettings settings, ProtocolCodec codec, JsonMapper payloadMapper, PushCredentials credentials,
			CursorStore cursorStore, Scheduler scheduler, List<Transport> transports) {
		this.settings = settings;
		this.codec = codec;
		this.payloadMapper = payloadMapper;
		this.credentials = credentials;
		this.cursorStore = cursorStore;
		this.scheduler = scheduler;
		this.transports = List.copyOf(transports);
		this.sendQueue = new SendQueue(settings.sendQueueCapacity(), settings.sendQueueMaxBytes(),
				settings.sendOverflow());
		this.clientIdConfigured = settings.clientId() != null;
		this.clientId = (settings.clientId() != null) ? settings.clientId() : UUID.randomUUID().toString();
		for (String channel : settings.channels()) {
			this.channels.add(ChannelName.parse(channel).toString());
		}
	}

	/**
	 * The bytes of an asset payload (PROTOCOL.md §9): an inline asset decoded, a pointer
	 * downloaded from this client's server with its credentials. Either way the bytes are
	 * checked against the asset's {@code size} and {@code sha256} first.
	 * @param payload a frame's payload that is an asset object
	 * @return the bytes; fails with {@link io.pushwire.core.AssetIntegrityException} when
	 * they do not match, {@link io.pushwire.core.ProtocolException} when the payload is
	 * not an asset, {@link PushOperationException} when the download is refused
	 * @since 0.1.0
	 */
	public Mono<byte[]> asset(JsonNode payload) {
		return Mono.defer(() -> {
			io.pushwire.core.Asset asset = io.pushwire.core.Asset.fromPayload(payload);
			AssetDownloader downloader = this.assetDownloader;
			if (downloader == null) {
				if (asset instanceof io.pushwire.core.Asset.Inline inline) {
					return Mono.fromSupplier(() -> inline.verify(inline.decode()));
				}
				return Mono.error(new IllegalStateException(
						"This client was built with its own transports and cannot download assets"));
			}
			return downloader.resolve(asset);
		});
	}

	/**
	 * A builder with the defaults of PROTOCOL.md and {@code pushwire.client.*}.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	// ----------------------------------------------------------------- lifecycle

	/**
	 * Start connecting, and keep reconnecting per the retry strategy.
	 * @return completes when connected ({@code auth_ok}); fails when the client gives up
	 * first
	 */
	public Mono<Void> connect() {
		return Mono.defer(() -> {
			Sinks.Empty<Void> waiter = Sinks.empty();
			boolean start;
			synchronized (this) {
				if (this.status == PushClientStatus.CONNECTED) {
					return Mono.empty();
				}
				this.connectWaiters.add(waiter);
				start = !this.running;
				this.running = true;
				if (start) {
					this.attempt = 0;
				}
			}
			if (start) {
				startAttempt();
			}
			return waiter.asMono();
		});
	}

	/**
	 * Disconnect gracefully: stop reconnecting, wait (up to the shutdown timeout) for the
	 * send queue to drain, send {@code goodbye}, close with 1000 and save the cursors.
	 * @return completes when closed
	 */
	public Mono<Void> disconnect() {
		return Mono.defer(() -> {
			ClientSession current;
			synchronized (this) {
				this.running = false;
				disposeRetryTimer();
				current = this.session;
				if (current == null) {
					this.status = PushClientStatus.DISCONNECTED;
				}
				else {
					this.status = PushClientStatus.SHUTTING_DOWN;
				}
			}
			failConnectWaiters(new PushOperationException("client", "disconnect() was called", null));
			if (current == null) {
				return saveCursors();
			}
			Mono<Void> flushed = (current.link != null && current.established) ? this.sendQueue.whenEmpty()
				.timeout(this.settings.shutdownTimeout(), this.scheduler)
				.onErrorResume((ex) -> Mono.empty()) : Mono.empty();
			return flushed.then(Mono.defer(() -> {
				flushAcks(current);
				current.closeDeliberately(true);
				return current.ended.asMono()
					.timeout(this.settings.shutdownTimeout(), this.scheduler)
					.onErrorResume((ex) -> {
						current.dispose();
						ended(current, PushConnectionException.closed(1000, "normal"));
						return Mono.empty();
					});
			})).then(Mono.defer(this::saveCursors));
		});
	}

	/**
	 * Reconnect now: closes a live connection and opens a new one (resuming), or starts
	 * again after the client gave up, with the retry count reset.
	 * @return completes when connected
	 */
	public Mono<Void> reconnect() {
		return Mono.defer(() -> {
			Sinks.Empty<Void> waiter = Sinks.empty();
			ClientSession current;
			synchronized (this) {
				disposeRetryTimer();
				this.attempt = 0;
				this.running = true;
				this.connectWaiters.add(waiter);
				current = this.session;
			}
			if (current != null) {
				current.restart = true;
				current.closeDeliberately(false);
			}
			else {
				startAttempt();
			}
			return waiter.asMono();
		});
	}

	// ----------------------------------------------------------------- receiving

	/**
	 * Every frame of every channel, hot: a subscriber sees frames that arrive after it
	 * subscribed. Each subscriber has a buffer of {@code frame-buffer} frames with the
	 * {@code frame-overflow} policy, so one slow subscriber never holds up the connection
	 * or the others.
	 * @return the frames
	 */
	public Flux<PushFrame<JsonNode>> frames() {
		BufferOverflowStrategy strategy = switch (this.settings.frameOverflow()) {
			case DROP_OLDEST -> BufferOverflowStrategy.DROP_OLDEST;
			case DROP_LATEST -> BufferOverflowStrategy.DROP_LATEST;
			case ERROR -> BufferOverflowStrategy.ERROR;
		};
		return this.frames.asFlux()
			.onBackpressureBuffer(this.settings.frameBuffer(),
					(dropped) -> emit(new PushClientEvent.Error("client",
							"A frames() subscriber fell " + this.settings.frameBuffer() + " frames behind; policy "
									+ this.settings.frameOverflow() + " (pushwire.client.frame-overflow)",
							dropped.channel())),
					strategy);
	}

	/**
	 * The frames of one channel with the payload converted to {@code type} by the
	 * application's {@code JsonMapper}; a payload that does not convert is reported as an
	 * error event and skipped.
	 * @param channel the channel
	 * @param type the payload type
	 * @param <T> the payload type
	 * @return the frames
	 */
	public <T> Flux<PushFrame<T>> frames(String channel, Class<T> type) {
		return frames().filter((frame) -> frame.channel().equals(channel)).handle((frame, sink) -> {
			try {
				sink.next(frame.withPayload(this.payloadMapper.treeToValue(frame.payload(), type)));
			}
			catch (RuntimeException ex) {
				emit(new PushClientEvent.Error("client",
						"Cannot convert the payload of " + frame + " to " + type.getName() + ": " + ex.getMessage(),
						channel));
			}
		});
	}

	/**
	 * Register a receiver for a channel (in addition to {@link #frames()}).
	 * @param channel the channel
	 * @param receiver the receiver
	 * @return a handle that unregisters it
	 */
	public Disposable on(String channel, ChannelReceiver receiver) {
		this.receivers.computeIfAbsent(channel, (key) -> new CopyOnWriteArrayList<>()).add(receiver);
		return () -> this.receivers.getOrDefault(channel, List.of()).remove(receiver);
	}

	// ----------------------------------------------------------------- subscriptions

	/**
	 * Subscribe to channels, resuming each from its tracked position. The set is restored
	 * on every reconnect.
	 * @param channels the channels
	 * @return completes when the server confirmed ({@code subscribed}, or {@code auth_ok}
	 * of the next connection); fails with {@link PushOperationException} when it refused
	 * one
	 */
	public Mono<Void> subscribe(String... channels) {
		return Mono.defer(() -> {
			List<String> added = new ArrayList<>();
			List<Mono<Void>> confirmations = new ArrayList<>();
			ClientSession current;
			synchronized (this) {
				for (String channel : channels) {
					String name = ChannelName.parse(channel).toString();
					if (this.channels.add(name)) {
						added.add(name);
						Sinks.Empty<Void> waiter = Sinks.empty();
						this.subscribeWaiters.computeIfAbsent(name, (key) -> new ArrayList<>()).add(waiter);
						confirmations.add(waiter.asMono());
					}
				}
				current = (this.status == PushClientStatus.CONNECTED) ? this.session : null;
			}
			if (added.isEmpty()) {
				return Mono.empty();
			}
			Mono<Void> all = Mono.when(confirmations);
			if (current == null || current.link == null) {
				return all;
			}
			if (!current.link.duplex()) {
				current.restart = true;
				current.closeDeliberately(false);
				return all;
			}
			Map<String, Long> cursors = new LinkedHashMap<>();
			Map<String, String> epochs = new LinkedHashMap<>();
			for (String channel : added) {
				ResumeToken.Position position = this.tracker.position(channel);
				if (position != null) {
					cursors.put(channel, position.cursor());
					if (position.epoch() != null) {
						epochs.put(channel, position.epoch());
					}
				}
			}
			return current.link.write(new SystemOp.Subscribe(added, cursors, epochs, current.deltas.request(added)))
				.then(all.timeout(this.settings.requestTimeout(), this.scheduler));
		});
	}

	/**
	 * Unsubscribe from channels and forget their positions.
	 * @param channels the channels
	 * @return completes when written (or at once while disconnected)
	 */
	public Mono<Void> unsubscribe(String... channels) {
		return Mono.defer(() -> {
			List<String> removed = new ArrayList<>();
			ClientSession current;
			synchronized (this) {
				for (String channel : channels) {
					if (this.channels.remove(channel)) {
						removed.add(channel);
					}
				}
				current = (this.status == PushClientStatus.CONNECTED) ? this.session : null;
			}
			removed.forEach(this.tracker::remove);
			if (current != null) {
				removed.forEach(current.deltas::remove);
			}
			if (removed.isEmpty() || current == null || current.link == null) {
				return Mono.empty();
			}
			if (!current.link.duplex()) {
				current.restart = true;
				current.closeDeliberately(false);
				return Mono.empty();
			}
			return current.link.write(new SystemOp.Unsubscribe(removed));
		});
	}

	/**
	 * The channels the client subscribes to on every connection.
	 * @return a snapshot
	 */
	public synchronized List<String> channels() {
		return List.copyOf(this.channels);
	}

	/**
	 * Per channel, the last cursor delivered and its epoch.
	 * @return a snapshot
	 */
	public Map<String, ResumeToken.Position> positions() {
		return this.tracker.toResumeToken().positions();
	}

	// ----------------------------------------------------------------- sending

	/**
	 * Send a frame; while disconnected it waits in the send queue.
	 * @param channel the channel
	 * @param payload the payload (converted by the application's {@code JsonMapper})
	 * @return completes when written
	 */
	public Mono<Void> send(String channel, Object payload) {
		return send(channel, payload, SendOptions.DEFAULT);
	}

	/**
	 * Send a frame with options.
	 * @param channel the channel
	 * @param payload the payload
	 * @param options timeout and volatility
	 * @return completes when written; fails on timeout, when the queue policy drops or
	 * refuses it, or for a volatile frame while disconnected
	 */
	public Mono<Void> send(String channel, Object payload, SendOptions options) {
		Duration timeout = (options.timeout() != null) ? options.timeout() : this.settings.sendTimeout();
		return enqueue(channel, payload, options.volatileFrame(), true, timeout);
	}

	/**
	 * Send a frame if the queue has room now.
	 * @param channel the channel
	 * @param payload the payload
	 * @return completes when written; fails at once with {@link PushOperationException}
	 * {@code queue_full} when the queue is full
	 */
	public Mono<Void> trySend(String channel, Object payload) {
		return enqueue(channel, payload, false, false, this.settings.sendTimeout());
	}

	private Mono<Void> enqueue(String channel, Object payload, boolean volatileFrame, boolean mayWait,
			Duration timeout) {
		return Mono.defer(() -> {
			ChannelName.parse(channel);
			Frame frame = Frame.of(channel, this.payloadMapper.valueToTree(payload));
			if (volatileFrame && this.status != PushClientStatus.CONNECTED) {
				return Mono.error(new PushOperationException("not_connected",
						"Not connected: a volatile frame is never queued", channel));
			}
			SendQueue.Entry entry = new SendQueue.Entry(frame, this.codec.encodeToUtf8(frame).length, volatileFrame);
			SendQueue.Offer offer = this.sendQueue.offer(entry, mayWait);
			if (offer != SendQueue.Offer.REFUSED) {
				drain();
			}
			return entry.result.asMono()
				.timeout(timeout, this.scheduler)
				.onErrorMap(java.util.concurrent.TimeoutException.class, (ex) -> {
					this.sendQueue.withdraw(entry);
					return new PushOperationException("timeout", "The frame was not written within " + timeout
							+ " and was withdrawn from the send queue; raise pushwire.client.send-queue.timeout or pass SendOptions.timeout",
							channel);
				});
		});
	}

	void drain() {
		if (!this.draining.compareAndSet(false, true)) {
			return;
		}
		ClientSession current;
		synchronized (this) {
			current = (this.status == PushClientStatus.CONNECTED) ? this.session : null;
		}
		SendQueue.Entry entry = this.sendQueue.peek();
		if (current == null || current.link == null || entry == null) {
			this.draining.set(false);
			if (current != null && this.sendQueue.peek() != null) {
				drain();
			}
			return;
		}
		current.link.write(entry.frame).subscribe(null, (ex) -> this.draining.set(false), () -> {
			this.sendQueue.remove(entry);
			entry.complete();
			this.draining.set(false);
			drain();
		});
	}

	// ----------------------------------------------------------------- presence, state,
	// events

	/**
	 * Who is subscribed to a channel (PROTOCOL.md §12).
	 * @param channel the channel
	 * @return the subscribers; fails with {@link PushOperationException} when not
	 * connected over WebSocket, when the server does not offer presence, or when it
	 * refused the request
	 */
	public Mono<List<PresenceEntry>> presence(String channel) {
		return Mono.defer(() -> {
			ClientSession current;
			List<String> offered;
			Sinks.One<List<PresenceEntry>> waiter = Sinks.one();
			synchronized (this) {
				current = (this.status == PushClientStatus.CONNECTED) ? this.session : null;
				offered = this.features;
				if (current != null && current.link != null && current.link.duplex() && offered.contains("presence")) {
					this.presenceWaiters.computeIfAbsent(channel, (key) -> new ArrayList<>()).add(waiter);
				}
			}
			if (current == null || current.link == null || !current.link.duplex()) {
				return Mono.error(new PushOperationException("not_connected",
						"presence() needs a live WebSocket connection; connect() first", channel));
			}
			if (!offered.contains("presence")) {
				return Mono.error(new PushOperationException("unsupported",
						"The server does not offer presence: 'presence' is not in auth_ok.features " + offered,
						channel));
			}
			return current.link.write(new SystemOp.Presence(channel))
				.then(waiter.asMono().timeout(this.settings.requestTimeout(), this.scheduler));
		});
	}

	/**
	 * A snapshot of the client.
	 * @return the state
	 */
	public synchronized PushClientState state() {
		ClientSession current = this.session;
		String transport = (this.status == PushClientStatus.CONNECTED && current != null && current.link != null)
				? current.link.transport() : null;
		return new PushClientState(this.status, this.clientId, transport,
				(this.status == PushClientStatus.CONNECTED) ? this.connectedSince : null, this.reconnectCount,
				this.lastError, positions());
	}

	/**
	 * What happens to the connection, hot. Each subscriber has a buffer of 256 events; a
	 * subscriber that falls further behind loses the oldest.
	 * @return the events
	 */
	public Flux<PushClientEvent> events() {
		return this.events.asFlux().onBackpressureBuffer(256, (dropped) -> {
		}, BufferOverflowStrategy.DROP_OLDEST);
	}

	void emit(PushClientEvent event) {
		for (PushClientExtension extension : this.settings.extensions()) {
			try {
				extension.onEvent(event);
			}
			catch (RuntimeException ex) {
				logger.warn("A PushClientExtension failed on " + event, ex);
			}
		}
		if (logger.isDebugEnabled()) {
			logger.debug("pushwire client " + this.clientId + ": " + event);
		}
		synchronized (this.events) {
			this.events.tryEmitNext(event);
		}
	}

	// ----------------------------------------------------------------- connection loop

	private void startAttempt() {
		ClientSession next = new ClientSession(this);
		String url;
		long currentAttempt;
		synchronized (this) {
			if (!this.running) {
				return;
			}
			this.session = next;
			this.status = this.everConnected ? PushClientStatus.RESUMING : PushClientStatus.CONNECTING;
			url = this.settings.baseUrls().get(this.urlIndex % this.settings.baseUrls().size());
			currentAttempt = this.attempt;
		}
		Mono<Void> load = Mono.defer(() -> {
			synchronized (this) {
				if (this.loaded) {
					return Mono.empty();
				}
				this.loaded = true;
			}
			return this.cursorStore.load().doOnNext(this::restore).then();
		});
		Disposable run = load.then(this.credentials.token().map(Optional::of).defaultIfEmpty(Optional.empty()))
			.flatMap((token) -> next.run(url, token.orElse(null), currentAttempt))
			.subscribe(null, (ex) -> ended(next, ex), () -> ended(next, PushConnectionException.closed(1000, "")));
		next.tasks.add(run);
	}

	private synchronized void restore(CursorStore.Snapshot snapshot) {
		if (!this.clientIdConfigured && snapshot.clientId() != null) {
			this.clientId = snapshot.clientId();
		}
		snapshot.positions().forEach((channel, position) -> {
			if (this.channels.contains(channel)) {
				this.tracker.reset(channel, position.cursor(), position.epoch());
			}
		});
	}

	void ended(ClientSession ended, Throwable error) {
		PushConnectionException cause = (error instanceof PushConnectionException pce) ? pce
				: PushConnectionException.lost(error);
		if (cause.code() == PushConnectionException.ABNORMAL && ended.goodbye != null && ended.goodbye.code() != null) {
			cause = PushConnectionException.closed(ended.goodbye.code(),
					(ended.goodbye.reason() != null) ? ended.goodbye.reason() : "");
		}
		if (cause.code() == PushConnectionException.ABNORMAL && ended.closedNormally) {
			cause = PushConnectionException.closed(1000, "normal");
		}
		if (ended.failure != null) {
			cause = ended.failure;
		}
		Duration delay = null;
		boolean giveUp = false;
		boolean restartNow = false;
		boolean disconnecting;
		synchronized (this) {
			if (this.session != ended) {
				return;
			}
			disconnecting = !this.running;
			this.session = null;
			ended.dispose();
			if (!this.running) {
				this.status = PushClientStatus.DISCONNECTED;
			}
			else if (ended.restart) {
				restartNow = true;
			}
			else {
				this.lastError = cause;
				if (!ended.established) {
					this.urlIndex++;
				}
				if (!this.settings.reconnectRule().test(cause)) {
					giveUp = true;
				}
				else {
					this.attempt++;
					Optional<Duration> next = this.settings.retry().nextDelay(cause, this.attempt);
					if (next.isEmpty()) {
						giveUp = true;
					}
					else {
						delay = next.get();
						this.status = this.everConnected ? PushClientStatus.RESUMING : PushClientStatus.CONNECTING;
					}
				}
				if (giveUp) {
					this.running = false;
					this.status = PushClientStatus.DISCONNECTED;
				}
			}
		}
		ended.ended.tryEmitEmpty();
		this.sendQueue.dropVolatile();
		if (ended.established) {
			emit(new PushClientEvent.Disconnected(cause.code(), cause.reason()));
		}
		if (ended.established && !disconnecting) {
			// disconnect() saves the cursors itself and completes after that save; one
			// more
			// here would write after disconnect() completed
			saveCursors().subscribe(null, (ex) -> emit(new PushClientEvent.Error("client", ex.getMessage(), null)));
		}
		if (restartNow) {
			startAttempt();
		}
		else if (giveUp) {
			emit(new PushClientEvent.GaveUp(cause));
			failConnectWaiters(cause);
		}
		else if (delay != null) {
			emit(new PushClientEvent.ReconnectScheduled(delay, this.attempt));
			Disposable timer = Mono.delay(delay, this.scheduler).subscribe((tick) -> startAttempt());
			synchronized (this) {
				this.retryTimer = timer;
			}
		}
	}

	private synchronized void disposeRetryTimer() {
		if (this.retryTimer != null) {
			this.retryTimer.dispose();
			this.retryTimer = null;
		}
	}

	private void failConnectWaiters(Throwable error) {
		List<Sinks.Empty<Void>> waiters;
		synchronized (this) {
			waiters = new ArrayList<>(this.connectWaiters);
			this.connectWaiters.clear();
		}
		waiters.forEach((waiter) -> waiter.tryEmitError(error));
	}

	Mono<Void> saveCursors() {
		return Mono.defer(() -> {
			this.storeDirty = false;
			String id;
			synchronized (this) {
				id = this.clientId;
			}
			return this.cursorStore.save(new CursorStore.Snapshot(id, positions()));
		});
	}

	Mono<Void> ack(PushFrame<?> frame) {
		ClientSession current;
		synchronized (this) {
			current = (this.status == PushClientStatus.CONNECTED) ? this.session : null;
		}
		if (current == null || current.link == null || frame.cursor() == null) {
			return Mono.error(new PushOperationException("not_connected",
					"Not connected; the ack is not needed either: the client resumes from its cursors",
					frame.channel()));
		}
		return current.link.write(new SystemOp.Ack(frame.channel(), frame.cursor()));
	}

	void flushAcks(ClientSession current) {
		if (current.link == null || this.pendingAcks.isEmpty()) {
			return;
		}
		for (String channel : List.copyOf(this.pendingAcks.keySet())) {
			Long cursor = this.pendingAcks.remove(channel);
			if (cursor != null) {
				current.link.write(new SystemOp.Ack(channel, cursor)).subscribe(null, (ex) -> {
				});
			}
		}
	}

	List<ChannelReceiver> receiversOf(String channel) {
		return this.receivers.getOrDefault(channel, List.of());
	}

	@Override
	public String toString() {
		return "PushClient[" + this.settings.baseUrls() + ", " + state().status() + "]";
	}

	/**
	 * Builds a {@link PushClient}; the auto-configured bean is pre-configured from
	 * {@code pushwire.client.*} and is a prototype, so each injection point gets its own.
	 *
	 * @since 0.2.0
	 */
	public static final class Builder {

		private final List<String> baseUrls = new ArrayList<>();

		private final List<String> channels = new ArrayList<>();

		private @Nullable String clientId;

		private PushCredentials credentials = PushCredentials.none();

		private @Nullable String basicAuth;

		private TransportPreference transport = TransportPreference.WS_FIRST;

		private @Nullable RetryStrategy retry;

		private long seed = System.nanoTime();

		private java.util.function.Predicate<PushConnectionException> reconnectRule = PushConnectionException::shouldReconnect;

		private Duration stableAfter = Duration.ofSeconds(30);

		private int sendQueueCapacity = 1024;

		private long sendQueueMaxBytes = 1024 * 1024;

		private SendOverflow sendOverflow = SendOverflow.REJECT;

		private Duration sendTimeout = Duration.ofSeconds(30);

		private AckMode ackMode = AckMode.AUTO;

		private Duration ackInterval = Duration.ofSeconds(1);

		private int frameBuffer = 4096;

		private FrameOverflow frameOverflow = FrameOverflow.ERROR;

		private Duration connectTimeout = Duration.ofSeconds(10);

		private Duration handshakeTimeout = Duration.ofSeconds(10);

		private Duration heartbeatGrace = Duration.ofSeconds(10);

		private Duration shutdownTimeout = Duration.ofSeconds(5);

		private Duration requestTimeout = Duration.ofSeconds(10);

		private double refreshRatio = 0.8;

		private CursorStore cursorStore = CursorStore.inMemory();

		private Duration cursorStoreFlush = Duration.ofSeconds(1);

		private int maxMessageSize = 1024 * 1024;

		private String format = ClientFormats.JSON;

		private int fragmentSize = ClientFormats.DEFAULT_FRAGMENT_SIZE;

		private boolean sseQueryToken;

		private boolean insecureTrustAll;

		private @Nullable HttpClient httpClient;

		private WebClient.@Nullable Builder webClientBuilder;

		private @Nullable ProtocolCodec codec;

		private @Nullable JsonMapper jsonMapper;

		private @Nullable Scheduler scheduler;

		private final List<java.util.function.UnaryOperator<HttpClient>> httpClientCustomizers = new ArrayList<>();

		private final List<HandshakeStep> handshakeSteps = new ArrayList<>();

		private final List<PushClientExtension> extensions = new ArrayList<>();

		private final Set<String> delta = new LinkedHashSet<>();

		private PushClientExtension.ExtensionErrorPolicy extensionErrorPolicy = PushClientExtension.ExtensionErrorPolicy.SKIP_FRAME;

		Builder() {
		}

		/**
		 * The server's base URL, for example {@code http://localhost:8080/rps}; several
		 * are tried in turn.
		 * @param baseUrl the URL ({@code http(s)}; the WebSocket uses {@code ws(s)} on
		 * the same path)
		 * @return this builder
		 */
		public Builder baseUrl(String baseUrl) {
			this.baseUrls.add(baseUrl);
			return this;
		}

		/**
		 * Replace the base URLs (a cluster's nodes, tried in turn after failures).
		 * @param baseUrls the URLs
		 * @return this builder
		 */
		public Builder baseUrls(List<String> baseUrls) {
			this.baseUrls.clear();
			this.baseUrls.addAll(baseUrls);
			return this;
		}

		/**
		 * Channels subscribed on every connection.
		 * @param channels the channels
		 * @return this builder
		 */
		public Builder channels(String... channels) {
			this.channels.addAll(List.of(channels));
			return this;
		}

		/**
		 * Channels subscribed on every connection.
		 * @param channels the channels
		 * @return this builder
		 */
		public Builder channels(List<String> channels) {
			this.channels.addAll(channels);
			return this;
		}

		/**
		 * The client id (a lowercase UUID); by default the cursor store's, else a random
		 * one.
		 * @param clientId the id
		 * @return this builder
		 */
		public Builder clientId(@Nullable String clientId) {
			this.clientId = clientId;
			return this;
		}

		/**
		 * A static bearer token.
		 * @param token the token
		 * @return this builder
		 */
		public Builder token(String token) {
			this.credentials = PushCredentials.of(token);
			return this;
		}

		/**
		 * Credentials asked on every attempt and refresh.
		 * @param credentials the credentials
		 * @return this builder
		 */
		public Builder credentials(PushCredentials credentials) {
			this.credentials = credentials;
			return this;
		}

		/**
		 * HTTP Basic credentials on the upgrade and stream requests (used when no token
		 * is given).
		 * @param username the user
		 * @param password the password
		 * @return this builder
		 */
		public Builder basicAuth(String username, String password) {
			this.basicAuth = "Basic " + java.util.Base64.getEncoder()
				.encodeToString((username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
			return this;
		}

		/**
		 * Which transports, in which order.
		 * @param transport the preference
		 * @return this builder
		 */
		public Builder transport(TransportPreference transport) {
			this.transport = transport;
			return this;
		}

		/**
		 * The wire format on WebSocket: {@code json} (the default), or {@code msgpack} or
		 * {@code cbor} for binary messages both ways (PROTOCOL.md §8.1). SSE always uses
		 * JSON.
		 * @param format the format
		 * @return this builder
		 */
		public Builder format(String format) {
			this.format = ClientFormats.check(format);
			return this;
		}

		/**
		 * The largest binary WebSocket message sent whole on a binary connection; larger
		 * ones are sent as fragments of at most this size (PROTOCOL.md §8.2).
		 * @param bytes the size, at least
		 * {@value io.pushwire.core.Fragments#MIN_FRAGMENT_SIZE}
		 * @return this builder
		 */
		public Builder fragmentSize(int bytes) {
			this.fragmentSize = ClientFormats.checkFragmentSize(bytes);
			return this;
		}

		/**
		 * Ask for delta updates (PROTOCOL.md §8.3) on these channels, or on every channel
		 * of these kinds: the server then sends each frame after the first as a Fossil
		 * delta against the previous payload where the kind offers it, and the client
		 * hands the application the full payload, checked against its SHA-256.
		 * @param channelsOrKinds channel names ({@code doc:42}) or kinds ({@code doc})
		 * @return this builder
		 */
		public Builder delta(String... channelsOrKinds) {
			for (String key : channelsOrKinds) {
				if (!ChannelName.isValidKind(key) && !ChannelName.isValid(key)) {
					throw new IllegalArgumentException("pushwire.client.delta '" + key
							+ "' is neither a channel kind nor a channel name (kind or kind:topic)");
				}
				this.delta.add(key);
			}
			return this;
		}

		/**
		 * The retry strategy (default: the {@code standard} preset).
		 * @param retry the strategy
		 * @return this builder
		 */
		public Builder retryStrategy(RetryStrategy retry) {
			this.retry = retry;
			return this;
		}

		/**
		 * The seed of the default strategy's jitter, for reproducible tests.
		 * @param seed the seed
		 * @return this builder
		 */
		public Builder seed(long seed) {
			this.seed = seed;
			return this;
		}

		/**
		 * Which endings allow a reconnect, replacing the close code rule of PROTOCOL.md
		 * §3.3 ({@link PushConnectionException#shouldReconnect()}).
		 * @param rule the rule
		 * @return this builder
		 */
		public Builder reconnectRule(java.util.function.Predicate<PushConnectionException> rule) {
			this.reconnectRule = rule;
			return this;
		}

		/**
		 * How long a connection must stay up for the attempt count to restart.
		 * @param stableAfter the duration
		 * @return this builder
		 */
		public Builder stableAfter(Duration stableAfter) {
			this.stableAfter = stableAfter;
			return this;
		}

		/**
		 * The send queue's bounds and policy.
		 * @param capacity the most frames
		 * @param maxBytes the most bytes (encoded frames)
		 * @param overflow what happens when full
		 * @return this builder
		 */
		public Builder sendQueue(int capacity, long maxBytes, SendOverflow overflow) {
			this.sendQueueCapacity = capacity;
			this.sendQueueMaxBytes = maxBytes;
			this.sendOverflow = overflow;
			return this;
		}

		/**
		 * How long {@code send} waits by default (for room and for the write).
		 * @param sendTimeout the timeout
		 * @return this builder
		 */
		public Builder sendTimeout(Duration sendTimeout) {
			this.sendTimeout = sendTimeout;
			return this;
		}

		/**
		 * The ack mode and how often automatic acks are flushed.
		 * @param ackMode the mode
		 * @param ackInterval the flush interval of automatic acks
		 * @return this builder
		 */
		public Builder ack(AckMode ackMode, Duration ackInterval) {
			this.ackMode = ackMode;
			this.ackInterval = ackInterval;
			return this;
		}

		/**
		 * Each {@code frames()} subscriber's buffer.
		 * @param size the most buffered frames
		 * @param overflow what happens when full
		 * @return this builder
		 */
		public Builder frameBuffer(int size, FrameOverflow overflow) {
			this.frameBuffer = size;
			this.frameOverflow = overflow;
			return this;
		}

		/**
		 * Timeouts.
		 * @param connect opening TCP
		 * @param handshake from the open connection to {@code auth_ok}
		 * @param heartbeatGrace silence allowed beyond {@code heartbeat_ms}
		 * @return this builder
		 */
		public Builder timeouts(Duration connect, Duration handshake, Duration heartbeatGrace) {
			this.connectTimeout = connect;
			this.handshakeTimeout = handshake;
			this.heartbeatGrace = heartbeatGrace;
			return this;
		}

		/**
		 * How long {@code disconnect()} waits for the queue and the close.
		 * @param shutdownTimeout the timeout
		 * @return this builder
		 */
		public Builder shutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
			return this;
		}

		/**
		 * How long a request (subscribe, presence) waits for the server's answer.
		 * @param requestTimeout the timeout
		 * @return this builder
		 */
		public Builder requestTimeout(Duration requestTimeout) {
			this.requestTimeout = requestTimeout;
			return this;
		}

		/**
		 * When to refresh: after this share (0 to 1) of the credentials' remaining
		 * lifetime.
		 * @param refreshRatio the share, default 0.8
		 * @return this builder
		 */
		public Builder refreshRatio(double refreshRatio) {
			this.refreshRatio = refreshRatio;
			return this;
		}

		/**
		 * Where cursors are kept across restarts, and how often they are saved.
		 * @param cursorStore the store
		 * @param flushInterval the most time between saves
		 * @return this builder
		 */
		public Builder cursorStore(CursorStore cursorStore, Duration flushInterval) {
			this.cursorStore = cursorStore;
			this.cursorStoreFlush = flushInterval;
			return this;
		}

		/**
		 * The largest message accepted from the server.
		 * @param bytes the size
		 * @return this builder
		 */
		public Builder maxMessageSize(int bytes) {
			this.maxMessageSize = bytes;
			return this;
		}

		/**
		 * Whether SSE requests also carry the token as a {@code token} query parameter
		 * (for servers that authenticate only so; query parameters end up in logs, so off
		 * by default).
		 * @param sseQueryToken whether to
		 * @return this builder
		 */
		public Builder sseQueryToken(boolean sseQueryToken) {
			this.sseQueryToken = sseQueryToken;
			return this;
		}

		/**
		 * Trust every server certificate. For tests only: it logs a warning.
		 * @param insecureTrustAll whether to
		 * @return this builder
		 */
		public Builder insecureTrustAll(boolean insecureTrustAll) {
			this.insecureTrustAll = insecureTrustAll;
			return this;
		}

		/**
		 * The Reactor Netty client both transports use (TLS, proxies, metrics).
		 * @param httpClient the client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient httpClient) {
			this.httpClient = httpClient;
			return this;
		}

		/**
		 * Customize the Reactor Netty client (applied in order, after
		 * {@link #httpClient}).
		 * @param customizer the customizer
		 * @return this builder
		 */
		public Builder customizeHttpClient(java.util.function.UnaryOperator<HttpClient> customizer) {
			this.httpClientCustomizers.add(customizer);
			return this;
		}

		/**
		 * The application's {@code WebClient.Builder} (codecs, filters) for SSE and HTTP
		 * calls.
		 * @param webClientBuilder the builder (cloned)
		 * @return this builder
		 */
		public Builder webClientBuilder(WebClient.Builder webClientBuilder) {
			this.webClientBuilder = webClientBuilder;
			return this;
		}

		/**
		 * The protocol codec (shared with a server in the same application).
		 * @param codec the codec
		 * @return this builder
		 */
		public Builder codec(ProtocolCodec codec) {
			this.codec = codec;
			return this;
		}

		/**
		 * The mapper that converts payloads to and from application types.
		 * @param jsonMapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper jsonMapper) {
			this.jsonMapper = jsonMapper;
			return this;
		}

		/**
		 * The scheduler of every timer (backoff, heartbeat, refresh); a virtual-time
		 * scheduler in tests.
		 * @param scheduler the scheduler
		 * @return this builder
		 */
		public Builder scheduler(Scheduler scheduler) {
			this.scheduler = scheduler;
			return this;
		}

		/**
		 * Add a handshake step, run after {@code auth_ok} on every connection, after the
		 * steps added before.
		 * @param step the step
		 * @return this builder
		 */
		public Builder handshakeStep(HandshakeStep step) {
			this.handshakeSteps.add(step);
			return this;
		}

		/**
		 * Add an extension, after the ones added before.
		 * @param extension the extension
		 * @return this builder
		 */
		public Builder extension(PushClientExtension extension) {
			this.extensions.add(extension);
			return this;
		}

		/**
		 * What happens when an extension fails on a frame.
		 * @param policy the policy, {@code SKIP_FRAME} by default
		 * @return this builder
		 */
		public Builder extensionErrorPolicy(PushClientExtension.ExtensionErrorPolicy policy) {
			this.extensionErrorPolicy = policy;
			return this;
		}

		/**
		 * Build the client (not connected yet).
		 * @return the client
		 */
		public PushClient build() {
			return build(null);
		}

		PushClient build(@Nullable List<Transport> transportsOverride) {
			ProtocolCodec protocolCodec = (this.codec != null) ? this.codec : new ProtocolCodec();
			JsonMapper mapper = (this.jsonMapper != null) ? this.jsonMapper : protocolCodec.mapper();
			Scheduler timers = (this.scheduler != null) ? this.scheduler : reactor.core.scheduler.Schedulers.parallel();
			RetryStrategy strategy = (this.retry != null) ? this.retry
					: RetryStrategy.preset(RetryStrategy.Preset.STANDARD, new java.util.Random(this.seed));
			ClientSettings settings = new ClientSettings(this.baseUrls, this.channels, this.clientId, this.transport,
					strategy, this.reconnectRule, this.stableAfter, this.sendQueueCapacity, this.sendQueueMaxBytes,
					this.sendOverflow, this.sendTimeout, this.ackMode, this.ackInterval, this.frameBuffer,
					this.frameOverflow, this.handshakeTimeout, this.heartbeatGrace, this.shutdownTimeout,
					this.requestTimeout, this.refreshRatio, this.cursorStoreFlush, this.handshakeSteps, this.extensions,
					this.extensionErrorPolicy);
			List<Transport> transports = (transportsOverride != null) ? transportsOverride
					: transports(protocolCodec, timers);
			PushClient client = new PushClient(settings, protocolCodec, mapper, this.credentials, this.cursorStore,
					timers, transports);
			client.deltaSettings = new ClientDeltas.Settings(this.delta, this.maxMessageSize);
			if (transportsOverride == null && !this.baseUrls.isEmpty()) {
				client.assetDownloader = new AssetDownloader(webClient(httpClient()), this.baseUrls.get(0),
						this.credentials, this.basicAuth, this.sseQueryToken);
			}
			return client;
		}

		private List<Transport> transports(ProtocolCodec protocolCodec, Scheduler timers) {
			HttpClient client = httpClient();
			WebClient webClient = webClient(client);
			Transport ws = new WebSocketTransport(client, protocolCodec, this.maxMessageSize, this.basicAuth, timers,
					ClientFormats.binary(this.format, protocolCodec), this.fragmentSize);
			Transport sse = new SseTransport(webClient, protocolCodec, this.sseQueryToken, this.basicAuth, timers);
			return switch (this.transport) {
				case WS_FIRST -> List.of(ws, sse);
				case SSE_FIRST -> List.of(sse, ws);
				case WS_ONLY -> List.of(ws);
				case SSE_ONLY -> List.of(sse);
			};
		}

		private HttpClient httpClient() {
			HttpClient client = (this.httpClient != null) ? this.httpClient : HttpClient.create();
			client = client.option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, this.connectTimeout.toMillis()));
			if (this.insecureTrustAll) {
				logger.warn("pushwire.client.ssl.insecure-trust-all is on: server certificates are NOT verified. "
						+ "Never use this outside tests.");
				client = client.secure((spec) -> {
					try {
						spec.sslContext(io.netty.handler.ssl.SslContextBuilder.forClient()
							.trustManager(io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE)
							.build());
					}
					catch (javax.net.ssl.SSLException ex) {
						throw new IllegalStateException("Cannot create the insecure SSL context", ex);
					}
				});
			}
			for (java.util.function.UnaryOperator<HttpClient> customizer : this.httpClientCustomizers) {
				client = customizer.apply(client);
			}
			return client;
		}

		private WebClient webClient(HttpClient client) {
			WebClient.Builder web = (this.webClientBuilder != null) ? this.webClientBuilder.clone()
					: WebClient.builder();
			return web.clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(client))
				.build();
		}

	}

}

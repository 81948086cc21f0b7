package io.pushwire.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.CursorTracker;
import io.pushwire.core.DeltaFrame;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.PushMessage;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;

/**
 * One connection attempt of a {@link PushClient} and, once established, the connection:
 * handles what the server sends (auth_ok, frames, ops), runs the handshake steps and the
 * timers.
 */
final class ClientSession implements Link.Handler, Disposable {

	private final PushClient client;

	ClientSession(PushClient client) {
		this.client = client;
		this.silenceLimit = client.settings.handshakeTimeout();
		this.deltas = new ClientDeltas(client.deltaSettings, client.codec);
	}

	/** This connection's delta updates (PROTOCOL.md §8.3). */
	final ClientDeltas deltas;

	final Disposable.Composite tasks = Disposables.composite();

	final Sinks.Empty<Void> ended = Sinks.empty();

	final Map<String, Long> replayHeads = new ConcurrentHashMap<>();

	volatile @Nullable Link link;

	volatile boolean established;

	volatile boolean restart;

	/**
	 * This side closed the connection with 1000. A WebSocket link closes its socket right
	 * after its close frame, so the server's answering close frame is never read and the
	 * transport reports the end as 1006; the session ended normally all the same.
	 */
	volatile boolean closedNormally;

	volatile SystemOp.@Nullable Goodbye goodbye;

	volatile @Nullable String token;

	volatile @Nullable PushConnectionException failure;

	volatile Duration silenceLimit;

	@Nullable RefreshTimer refresh;

	Mono<Void> run(String url, @Nullable String token, long currentAttempt) {
		this.token = token;
		List<Transport> order = this.client.transports;
		Mono<Void> chain = open(order.get(0), url, currentAttempt);
		for (int i = 1; i < order.size(); i++) {
			Transport fallback = order.get(i);
			chain = chain.onErrorResume((ex) -> !this.established && !this.restart,
					(ex) -> open(fallback, url, currentAttempt));
		}
		return chain;
	}

	private Mono<Void> open(Transport transport, String url, long currentAttempt) {
		return Mono.defer(() -> {
			this.client.emit(new PushClientEvent.Connecting(url, transport.name(), currentAttempt));
			return transport.open(url, this.token, this);
		});
	}

	@Override
	public SystemOp.Auth auth() {
		synchronized (this.client) {
			List<String> capabilities = List.copyOf(this.client.channels);
			Map<String, Long> cursors = new LinkedHashMap<>();
			Map<String, String> epochs = new LinkedHashMap<>();
			for (String channel : capabilities) {
				ResumeToken.Position position = this.client.tracker.position(channel);
				if (position != null) {
					cursors.put(channel, position.cursor());
					if (position.epoch() != null) {
						epochs.put(channel, position.epoch());
					}
				}
			}
			return new SystemOp.Auth(this.client.clientId, this.token, capabilities, cursors, epochs, null,
					this.client.sessionSecret, List.of(), this.deltas.request(capabilities));
		}
	}

	@Override
	public void opened(Link link) {
		this.link = link;
	}

	@Override
	public Duration silenceLimit() {
		return this.silenceLimit;
	}

	@Override
	public Mono<Void> onMessage(String text) {
		JsonNode node;
		try {
			node = this.client.codec.mapper().readTree(text);
		}
		catch (RuntimeException ex) {
			this.client.emit(new PushClientEvent.Error("bad_message", "Ignored a message that is not JSON", null));
			return Mono.empty();
		}
		PushMessage message;
		try {
			message = this.client.codec.decode(node);
		}
		catch (ProtocolException ex) {
			onUnknown(node, ex);
			return Mono.empty();
		}
		return onMessage(message);
	}

	@Override
	public Mono<Void> onMessage(PushMessage message) {
		if (message instanceof Frame frame) {
			return this.deltas.onFrame(frame) ? deliver(frame) : Mono.empty();
		}
		if (message instanceof DeltaFrame delta) {
			return onDelta(delta);
		}
		onOp((SystemOp) message);
		return Mono.empty();
	}

	/**
	 * A delta frame: delivered as the frame it stands for; when its base is missing or
	 * its result does not have the announced hash, nothing is delivered and the channel
	 * is subscribed again from the last cursor processed, which the server answers with a
	 * full frame (PROTOCOL.md §8.3).
	 * @param delta the delta frame
	 * @return completes when handled
	 */
	private Mono<Void> onDelta(DeltaFrame delta) {
		StringBuilder failure = new StringBuilder();
		Frame frame = this.deltas.onDelta(delta, failure);
		if (frame != null) {
			return deliver(frame);
		}
		if (failure.isEmpty()) {
			// Dropped while the channel is resubscribed: it is replayed after.
			return Mono.empty();
		}
		String channel = delta.channel();
		Link current = this.link;
		synchronized (this.client) {
			if (current == null || !this.client.channels.contains(channel)) {
				return Mono.empty();
			}
		}
		this.deltas.recovering(channel);
		ResumeToken.Position position = this.client.tracker.position(channel);
		Map<String, Long> cursors = (position != null) ? Map.of(channel, position.cursor()) : Map.of();
		Map<String, String> epochs = (position != null && position.epoch() != null) ? Map.of(channel, position.epoch())
				: Map.of();
		this.client.emit(new PushClientEvent.Error("client", "A delta on " + channel + " at cursor " + delta.cursor()
				+ " did not apply (" + failure + "); resuming the channel from its cursor", channel));
		return current
			.write(new SystemOp.Subscribe(List.of(channel), cursors, epochs, this.deltas.request(List.of(channel))))
			.onErrorResume((ex) -> Mono.empty());
	}

	@Override
	public void onBadMessage(String reason) {
		this.client.emit(new PushClientEvent.Error("bad_message", "Ignored a message: " + reason, null));
	}

	private void onOp(SystemOp op) {
		Link current = this.link;
		if (op instanceof SystemOp.AuthOk ok) {
			onAuthOk(ok);
		}
		else if (op instanceof SystemOp.Ping) {
			if (current != null) {
				current.write(new SystemOp.Pong()).subscribe(null, (ex) -> {
				});
			}
		}
		else if (op instanceof SystemOp.ResumeRequired required) {
			this.client.tracker.reset(required.channel(), required.fromCursor() - 1, required.epoch());
			this.client
				.emit(new PushClientEvent.ResumeRequired(required.channel(), required.fromCursor(), required.epoch()));
			this.client.receiversOf(required.channel())
				.forEach((receiver) -> receiver.onResumeRequired(required.channel(), required.fromCursor(),
						required.epoch()));
		}
		else if (op instanceof SystemOp.Subscribed subscribed) {
			for (String channel : subscribed.channels()) {
				Long head = subscribed.heads().get(channel);
				if (head != null) {
					this.client.tracker.reset(channel, head, subscribed.epochs().get(channel));
				}
				this.deltas.subscribed(channel);
				confirm(channel, null);
			}
		}
		else if (op instanceof SystemOp.Error error) {
			onError(error);
		}
		else if (op instanceof SystemOp.Goodbye bye) {
			this.goodbye = bye;
		}
		else if (op instanceof SystemOp.Slow slow) {
			this.client.emit(new PushClientEvent.Slow(slow.window()));
		}
		else if (op instanceof SystemOp.PresenceList list) {
			List<PresenceEntry> entries = new ArrayList<>();
			list.clients().forEach((entry) -> entries.add(new PresenceEntry(entry.clientId(), entry.user())));
			List<Sinks.One<List<PresenceEntry>>> waiters;
			synchronized (this.client) {
				waiters = this.client.presenceWaiters.remove(list.channel());
			}
			if (waiters != null) {
				waiters.forEach((waiter) -> waiter.tryEmitValue(List.copyOf(entries)));
			}
		}
		else if (op instanceof SystemOp.Join join) {
			this.client.emit(new PushClientEvent.Joined(join.channel(), join.clientId(), join.user()));
		}
		else if (op instanceof SystemOp.Leave leave) {
			this.client.emit(new PushClientEvent.Left(leave.channel(), leave.clientId(), leave.user()));
		}
		else if (op instanceof SystemOp.Refreshed refreshed) {
			this.client.emit(new PushClientEvent.TokenRefreshed(refreshed.expiresAtMs()));
			RefreshTimer timer = this.refresh;
			if (timer != null) {
				timer.schedule(refreshed.expiresAtMs());
			}
		}
	}

	private void onAuthOk(SystemOp.AuthOk ok) {
		boolean reconnected;
		synchronized (this.client) {
			if (this.client.session != this) {
				return;
			}
			if (!this.client.clientIdConfigured || this.client.clientId.equals(ok.clientId())) {
				this.client.clientId = ok.clientId();
			}
			if (ok.sessionSecret() != null) {
				this.client.sessionSecret = ok.sessionSecret();
			}
			this.client.features = ok.features();
			reconnected = this.client.everConnected;
			this.established = true;
		}
		if (this.link instanceof SseTransport.SseLink sse) {
			sse.clientId(ok.clientId());
		}
		this.silenceLimit = Duration.ofMillis(ok.heartbeatMs()).plus(this.client.settings.heartbeatGrace());
		ok.resumeCursors().forEach((channel, cursor) -> {
			this.client.tracker.reset(channel, cursor, ok.epochs().get(channel));
			long head = ok.heads().getOrDefault(channel, cursor);
			if (head > cursor) {
				this.replayHeads.put(channel, head);
			}
			else {
				replayComplete(channel, cursor);
			}
		});
		startTimers(ok);
		List<HandshakeStep> steps = this.client.settings.handshakeSteps();
		if (steps.isEmpty()) {
			markConnected(ok);
			return;
		}
		HandshakeStep.Context context = handshakeContext(ok, reconnected);
		this.tasks.add(Flux.fromIterable(steps)
			.index()
			.concatMap((step) -> Mono.defer(() -> step.getT2().perform(context))
				.timeout(step.getT2().timeout(), this.client.scheduler)
				.onErrorMap((ex) -> new PushConnectionException(PushConnectionException.ABNORMAL, "handshake", 0,
						"Handshake step " + (step.getT1() + 1) + " of " + steps.size() + " failed: " + ex, ex)))
			.then()
			.subscribe(null, (ex) -> {
				this.failure = (PushConnectionException) ex;
				this.client.emit(new PushClientEvent.Error("client", ex.getMessage(), null));
				Link current = this.link;
				if (current != null) {
					current.close(1000, "handshake step failed");
				}
				this.client.ended(this, this.failure);
			}, () -> markConnected(ok)));
	}

	private HandshakeStep.Context handshakeContext(SystemOp.AuthOk ok, boolean reconnected) {
		Link current = this.link;
		return new HandshakeStep.Context() {

			@Override
			public String clientId() {
				return ok.clientId();
			}

			@Override
			public String transport() {
				return current.transport();
			}

			@Override
			public List<String> features() {
				return ok.features();
			}

			@Override
			public boolean reconnected() {
				return reconnected;
			}

			@Override
			public Mono<Void> send(String channel, Object payload) {
				return Mono.defer(() -> current.write(Frame.of(ChannelName.parse(channel).toString(),
						ClientSession.this.client.payloadMapper.valueToTree(payload))));
			}

		};
	}

	private void markConnected(SystemOp.AuthOk ok) {
		List<Sinks.Empty<Void>> connected;
		synchronized (this.client) {
			if (this.client.session != this) {
				return;
			}
			if (this.client.everConnected) {
				this.client.reconnectCount++;
			}
			this.client.everConnected = true;
			this.client.status = PushClientStatus.CONNECTED;
			this.client.connectedSince = Instant
				.ofEpochMilli(this.client.scheduler.now(java.util.concurrent.TimeUnit.MILLISECONDS));
			connected = new ArrayList<>(this.client.connectWaiters);
			this.client.connectWaiters.clear();
		}
		this.client.emit(new PushClientEvent.Connected(ok.clientId(), this.link.transport()));
		connected.forEach(Sinks.Empty::tryEmitEmpty);
		ok.resumeCursors().keySet().forEach((channel) -> confirm(channel, null));
		this.client.drain();
	}

	private void startTimers(SystemOp.AuthOk ok) {
		ClientSettings settings = this.client.settings;
		Scheduler scheduler = this.client.scheduler;
		this.tasks.add(Mono.delay(settings.stableAfter(), scheduler).subscribe((tick) -> {
			synchronized (this.client) {
				if (this.client.session == this) {
					this.client.attempt = 0;
				}
			}
		}));
		if (settings.ackMode() == AckMode.AUTO) {
			this.tasks.add(Flux.interval(settings.ackInterval(), scheduler)
				.onBackpressureDrop()
				.subscribe((tick) -> this.client.flushAcks(this)));
		}
		this.tasks.add(Flux.interval(settings.cursorStoreFlush(), scheduler)
			.onBackpressureDrop()
			.filter((tick) -> this.client.storeDirty)
			.concatMap((tick) -> this.client.saveCursors().onErrorResume((ex) -> {
				this.client
					.emit(new PushClientEvent.Error("client", "Cannot save the cursors: " + ex.getMessage(), null));
				return Mono.empty();
			}))
			.subscribe());
		RefreshTimer timer = new RefreshTimer(scheduler, settings.refreshRatio(), this.client.credentials::token,
				this::refresh, (ex) -> this.client.emit(new PushClientEvent.Error("client",
						"Refreshing the credentials failed: " + ex.getMessage(), null)));
		this.refresh = timer;
		this.tasks.add(timer);
		timer.schedule(ok.expiresAtMs());
	}

	private Mono<Void> refresh(String newToken) {
		Link current = this.link;
		if (current == null) {
			return Mono.empty();
		}
		this.token = newToken;
		if (!current.duplex()) {
			// An SSE stream cannot take a refresh: a new stream carries the new token.
			this.restart = true;
			closeDeliberately(false);
			return Mono.empty();
		}
		return current.write(new SystemOp.Refresh(newToken));
	}

	private void onError(SystemOp.Error error) {
		String channel = error.channel();
		this.client.emit(new PushClientEvent.Error(error.code(), error.message(), channel));
		if (channel == null) {
			return;
		}
		this.deltas.refused(channel);
		PushOperationException failure = new PushOperationException(error.code(), error.message(), channel);
		List<Sinks.One<List<PresenceEntry>>> presence;
		synchronized (this.client) {
			presence = this.client.presenceWaiters.remove(channel);
			if ("forbidden".equals(error.code()) || "unknown_channel".equals(error.code())) {
				// A refused channel is not asked for again on every reconnect.
				if (this.client.subscribeWaiters.containsKey(channel)
						|| !this.client.channels.isEmpty() && this.client.channels.contains(channel)) {
					this.client.channels.remove(channel);
				}
			}
		}
		if (presence != null) {
			presence.forEach((waiter) -> waiter.tryEmitError(failure));
		}
		confirm(channel, failure);
	}

	private void confirm(String channel, @Nullable Throwable failure) {
		List<Sinks.Empty<Void>> waiters;
		synchronized (this.client) {
			waiters = this.client.subscribeWaiters.remove(channel);
		}
		if (waiters != null) {
			waiters.forEach((waiter) -> {
				if (failure != null) {
					waiter.tryEmitError(failure);
				}
				else {
					waiter.tryEmitEmpty();
				}
			});
		}
	}

	private void onUnknown(JsonNode node, ProtocolException ex) {
		this.client.emit(new PushClientEvent.Error("bad_message", "Ignored a message: " + ex.getMessage(), null));
	}

	private Mono<Void> deliver(Frame frame) {
		CursorTracker.Outcome outcome = this.client.tracker.track(frame);
		if (!outcome.deliver()) {
			return Mono.empty();
		}
		String channel = frame.channel();
		List<ChannelReceiver> targets = this.client.receiversOf(channel);
		if (outcome instanceof CursorTracker.Outcome.Gap gap) {
			this.client.emit(new PushClientEvent.Gap(channel, gap.expected(), gap.got()));
			targets.forEach((receiver) -> receiver.onGap(channel, gap.expected(), gap.got()));
		}
		ResumeToken.Position position = this.client.tracker.position(channel);
		PushFrame<JsonNode> tracked = new PushFrame<>(channel, frame.cursor(),
				(position != null) ? position.epoch() : null, frame.payload(), frame.clientId(), this.client::ack);
		if (frame.cursor() != null) {
			this.client.storeDirty = true;
			Long head = this.replayHeads.get(channel);
			if (head != null && frame.cursor() >= head) {
				this.replayHeads.remove(channel);
				replayComplete(channel, frame.cursor());
			}
		}
		List<PushClientExtension> extensions = this.client.settings.extensions();
		if (extensions.isEmpty()) {
			return publish(frame, tracked, targets);
		}
		Mono<PushFrame<JsonNode>> pipeline = Mono.just(tracked);
		for (PushClientExtension extension : extensions) {
			pipeline = pipeline
				.flatMap((current) -> Mono.defer(() -> extension.onFrame(current)).onErrorResume((ex) -> {
					this.client.emit(new PushClientEvent.Error("client",
							"A PushClientExtension failed on " + current + ": " + ex, channel));
					return (this.client.settings
						.extensionErrorPolicy() == PushClientExtension.ExtensionErrorPolicy.PASS_THROUGH)
								? Mono.just(current) : Mono.empty();
				}));
		}
		return pipeline.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((result) -> result.isPresent() ? publish(frame, result.get(), targets)
					: Mono.fromRunnable(() -> processed(frame)));
	}

	private Mono<Void> publish(Frame frame, PushFrame<JsonNode> delivered, List<ChannelReceiver> targets) {
		String channel = frame.channel();
		synchronized (this.client.frames) {
			this.client.frames.tryEmitNext(delivered);
		}
		if (targets.isEmpty()) {
			processed(frame);
			return Mono.empty();
		}
		return Flux.fromIterable(targets)
			.concatMap((receiver) -> Mono.defer(() -> receiver.onFrame(delivered)).onErrorResume((ex) -> {
				this.client.emit(new PushClientEvent.Error("client",
						"A receiver of " + channel + " failed on cursor " + frame.cursor() + ": " + ex, channel));
				return Mono.empty();
			}))
			.then(Mono.fromRunnable(() -> processed(frame)));
	}

	private void processed(Frame frame) {
		if (frame.cursor() != null && this.client.settings.ackMode() == AckMode.AUTO) {
			this.client.pendingAcks.merge(frame.channel(), frame.cursor(), Math::max);
		}
	}

	private void replayComplete(String channel, long cursor) {
		this.client.emit(new PushClientEvent.ReplayComplete(channel, cursor));
		this.client.receiversOf(channel).forEach((receiver) -> receiver.onReplayComplete(channel, cursor));
	}

	/**
	 * Close on purpose: {@code goodbye} and 1000 over WebSocket, cancelling the stream
	 * over SSE.
	 * @param sayGoodbye whether to send {@code goodbye} first
	 */
	void closeDeliberately(boolean sayGoodbye) {
		this.closedNormally = true;
		Link current = this.link;
		if (current != null && current.duplex()) {
			Mono<Void> bye = sayGoodbye
					? current.write(new SystemOp.Goodbye("normal", 1000)).onErrorResume((ex) -> Mono.empty())
					: Mono.empty();
			bye.subscribe(null, null, () -> current.close(1000, sayGoodbye ? "normal" : "reconnect"));
		}
		else {
			dispose();
			this.client.ended(this, PushConnectionException.closed(1000, "normal"));
		}
	}

	@Override
	public void dispose() {
		this.tasks.dispose();
	}

	@Override
	public boolean isDisposed() {
		return this.tasks.isDisposed();
	}

}

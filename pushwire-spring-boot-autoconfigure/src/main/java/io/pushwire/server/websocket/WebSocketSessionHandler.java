package io.pushwire.server.websocket;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

import io.pushwire.core.CloseReason;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;
import io.pushwire.core.WireFormat;
import io.pushwire.security.AuthRequest;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.ConnectionTransport;
import io.pushwire.server.connection.Delivery;

/**
 * One WebSocket session: waits for {@code auth} and its authentication within the
 * handshake timeout, then hands decoded messages to its {@link ClientConnection} in order
 * and writes what the connection queues. When the server closes, it lets the client read
 * the goodbye ({@link ClosingHandshake}).
 * <p>
 * On Reactor Netty the queue is written straight to the channel; everything that path
 * needs is in {@link ReactorNettyAccess}. Elsewhere (or with that hook gone) the queue is
 * written through {@link WebSocketSession#send}. Either way a message is a text or a
 * binary WebSocket message as its {@link Delivery#binary()} says.
 */
final class WebSocketSessionHandler implements ConnectionTransport {

	private static final Log logger = LogFactory.getLog(WebSocketSessionHandler.class);

	/** The heartbeat, encoded once per wire format for every connection. */
	private static final CloseStatus INVALID_UTF8 = new CloseStatus(1007, "invalid utf-8");

	/** The node-wide part: settings, codec, the shared ping. */
	private final PushWebSocketHandler handler;

	private final WebSocketSession session;

	private final ClientConnection connection;

	private final @Nullable Connection netty;

	/** The binary side of a connection that negotiated a binary format; none for JSON. */
	private final @Nullable BinarySession binary;

	private volatile boolean authReceived;

	/** Authenticated and {@code auth_ok} queued, or failed and closing. */
	private volatile boolean handshakeDone;

	/**
	 * Ends a handshake in flight when the channel closes; only set while one is (see
	 * onText).
	 */
	private volatile Sinks.@Nullable Empty<Void> handshakeAbort;

	private volatile boolean inboundEnded;

	private volatile @Nullable Disposable handshakeTimer;

	private volatile @Nullable CloseStatus closeOverride;

	WebSocketSessionHandler(PushWebSocketHandler handler, WebSocketSession session) {
		this.handler = handler;
		this.session = session;
		// Before the connection, which asks for the format when it is created.
		this.binary = BinarySession.of(handler, session.getHandshakeInfo().getUri());
		this.connection = handler.connections().create(this);
		this.netty = ReactorNettyAccess.connection(session);
		if (this.netty != null) {
			ReactorNettyAccess.bind(this.netty, this.connection, handler.settings().socketSendBuffer());
		}
	}

	Mono<Void> run() {
		long maxSize = this.handler.settings().maxMessageSize();
		Duration handshakeTimeout = this.handler.settings().handshakeTimeout();
		// Until the handshake is done, auth and its authentication included: a validator
		// that never
		// answers must not hold the connection open.
		this.handshakeTimer = Schedulers.parallel().schedule(() -> {
			if (!this.handshakeDone) {
				this.connection.close(CloseReason.POLICY);
			}
		}, handshakeTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
		Mono<Void> inbound = this.session.receive()
			// Once closing, what the client sends is read and dropped, not decoded.
			.map((message) -> {
				// Any inbound message counts as heard from; in the map, not an operator
				// of its own,
				// since each operator costs every idle connection its subscriber.
				this.connection.touch();
				return (this.connection.closeReason() != null) ? InboundMessage.IGNORED
						: InboundMessage.read(message, maxSize);
			})
			.concatMap(this::onMessage)
			.onErrorResume((ex) -> {
				// Reactor Netty fails the inbound for a message over its own frame limit:
				// the client's
				// doing, worth no more than a debug line. Anything else is ours.
				if (ReactorNettyAccess.isFrameTooLarge(ex)) {
					logger.debug("WebSocket message over the frame limit", ex);
					this.connection.close(CloseReason.TOO_LARGE);
				}
				else if (ex instanceof java.io.IOException) {
					// The peer reset the connection, or a write to it failed: nothing to
					// report.
					logger.debug("WebSocket connection failed", ex);
					this.connection.close(CloseReason.POLICY);
				}
				else {
					logger.error("WebSocket inbound failed", ex);
					this.connection.close(CloseReason.POLICY);
				}
				return Mono.empty();
			})
			.then();
		Mono<Void> written;
		if (this.netty != null) {
			// A client gone while a handshake is in flight ends it (the channel's close
			// is already
			// watched by the writer, so this costs an idle connection nothing).
			written = ReactorNettyAccess.writeDirect(this.netty, this.connection, this.binary)
				.doFinally((signal) -> abortHandshake());
		}
		else {
			DataBufferFactory buffers = this.session.bufferFactory();
			BinarySession binarySession = this.binary;
			Flux<WebSocketMessage> messages = (binarySession != null)
					? this.connection.deliveries()
						.concatMapIterable((delivery) -> toMessages(buffers, delivery, binarySession))
					: this.connection.deliveries().map((delivery) -> toMessage(buffers, delivery));
			written = this.session.send(messages).onErrorResume((ex) -> Mono.empty());
		}
		Mono<Void> outbound = written.then(Mono.defer(() -> {
			Connection nettyConnection = this.netty;
			if (nettyConnection != null && !this.inboundEnded && ReactorNettyAccess.isActive(nettyConnection)) {
				ReactorNettyAccess.awaitClientCloseFrame(nettyConnection);
			}
			return this.session.close(closeStatus());
		}));
		return Mono.when(inbound.doFinally((signal) -> {
			this.inboundEnded = true;
			this.connection.terminated();
		}), outbound).doFinally((signal) -> {
			disposeHandshakeTimer();
			this.connection.terminated();
		});
	}

	private Mono<Void> onMessage(InboundMessage message) {
		if (this.connection.closeReason() != null) {
			return Mono.empty();
		}
		if (message.kind() == InboundMessage.Kind.CONTROL) {
			return Mono.empty();
		}
		if (message.kind() == InboundMessage.Kind.TOO_LARGE) {
			this.connection.close(CloseReason.TOO_LARGE);
			return Mono.empty();
		}
		if (!this.connection.admitInbound()) {
			return Mono.empty();
		}
		switch (message.kind()) {
			case INVALID_UTF8:
				this.closeOverride = INVALID_UTF8;
				this.connection.close(CloseReason.POLICY);
				return Mono.empty();
			case BINARY:
				if (this.binary == null) {
					if (!this.connection.isAuthenticated()) {
						this.connection.close(CloseReason.POLICY);
						return Mono.empty();
					}
					this.connection.send(SystemOp.Error.of(ErrorCode.BAD_MESSAGE,
							"Binary messages need a binary format negotiated with ?format=msgpack or ?format=cbor",
							null));
					return Mono.empty();
				}
				return onBinary(this.binary, message.bytes());
			default:
				if (this.binary != null) {
					return refuse(new ProtocolException(ErrorCode.BAD_MESSAGE, "This connection speaks "
							+ this.binary.format().name() + ": every message must be a binary message"));
				}
				return onText(message.text());
		}
	}

	private Mono<Void> onText(@Nullable String text) {
		PushMessage decoded;
		try {
			decoded = this.handler.codec().decodeFromClient((text != null) ? text : "");
		}
		catch (ProtocolException ex) {
			return refuse(ex);
		}
		return onDecoded(decoded);
	}

	private Mono<Void> onBinary(BinarySession binarySession, byte @Nullable [] bytes) {
		PushMessage decoded;
		try {
			decoded = binarySession.decode((bytes != null) ? bytes : new byte[0]);
		}
		catch (ProtocolException ex) {
			return refuse(ex);
		}
		// null: a fragment of a message still incomplete.
		return (decoded != null) ? onDecoded(decoded) : Mono.empty();
	}

	/**
	 * Answer bad input: before {@code auth} it ends the connection (1008); after it, a
	 * message that is or inflates too large closes with 1009 and anything else gets an
	 * {@code error} and the connection stays open.
	 * @param ex what was wrong
	 * @return nothing to wait for
	 */
	private Mono<Void> refuse(ProtocolException ex) {
		if (!this.authReceived) {
			this.connection.close(CloseReason.POLICY);
		}
		else if (ex.code() == ErrorCode.TOO_LARGE) {
			this.connection.close(CloseReason.TOO_LARGE);
		}
		else {
			this.connection.send(ex.toOp());
		}
		return Mono.empty();
	}

	private Mono<Void> onDecoded(PushMessage decoded) {
		if (!this.authReceived) {
			if (!(decoded instanceof SystemOp.Auth auth)) {
				this.connection.close(CloseReason.POLICY);
				return Mono.empty();
			}
			this.authReceived = true;
			if (this.binary != null && auth.features().contains("fragments")) {
				this.binary.peerAcceptsFragments();
			}
			return this.session.getHandshakeInfo()
				.getPrincipal()
				.map(java.util.Optional::of)
				.defaultIfEmpty(java.util.Optional.empty())
				.flatMap((principal) -> this.connection.handshake(auth, authRequest(auth, principal.orElse(null))))
				// A client gone while authentication or authorization hangs: the
				// inbound's concatMap would
				// wait for the handshake, and the connection would never be terminated.
				.takeUntilOther(handshakeEnd())
				.doFinally((signal) -> {
					this.handshakeDone = true;
					this.handshakeAbort = null;
					disposeHandshakeTimer();
					releaseHandshake();
				})
				// The inbound's concatMap keeps its last inner subscription until the
				// next message: an
				// idle connection would keep the auth message, its request and the
				// handshake's operators.
				.onTerminateDetach();
		}
		if (!this.connection.isAuthenticated()) {
			// The handshake failed and the connection is closing.
			return Mono.empty();
		}
		return this.connection.handle(decoded);
	}

	/**
	 * What ends a handshake whose client went away. On Reactor Netty, a sink that the
	 * writer's end fires, dropped once the handshake is done; elsewhere the session's
	 * close status (which keeps a listener on the connection for its life).
	 * @return a Mono that completes when the client went away
	 */
	private Mono<?> handshakeEnd() {
		if (this.netty == null) {
			return this.session.closeStatus().defaultIfEmpty(CloseStatus.NO_CLOSE_FRAME);
		}
		Sinks.Empty<Void> abort = Sinks.empty();
		this.handshakeAbort = abort;
		if (!ReactorNettyAccess.isActive(this.netty)) {
			abort.tryEmitEmpty();
		}
		return abort.asMono().then(Mono.just(Boolean.TRUE));
	}

	private void abortHandshake() {
		Sinks.Empty<Void> abort = this.handshakeAbort;
		if (abort != null) {
			abort.tryEmitEmpty();
		}
	}

	/**
	 * The upgrade's headers are not read after the handshake: on Reactor Netty, where
	 * they are kept for the connection's life, they are cleared.
	 */
	private void releaseHandshake() {
		Connection nettyConnection = this.netty;
		if (nettyConnection != null) {
			ReactorNettyAccess.releaseHandshake(nettyConnection);
		}
	}

	private void disposeHandshakeTimer() {
		Disposable timer = this.handshakeTimer;
		if (timer != null) {
			timer.dispose();
			this.handshakeTimer = null;
		}
	}

	private AuthRequest authRequest(SystemOp.Auth auth, @Nullable Principal requestPrincipal) {
		InetSocketAddress remote = this.session.getHandshakeInfo().getRemoteAddress();
		String token = auth.token();
		if (token == null && this.handler.allowQueryToken()) {
			String raw = UriComponentsBuilder.fromUri(this.session.getHandshakeInfo().getUri())
				.build()
				.getQueryParams()
				.getFirst("token");
			token = (raw != null) ? UriUtils.decode(raw, java.nio.charset.StandardCharsets.UTF_8) : null;
		}
		return new AuthRequest(token, requestPrincipal, this.session.getHandshakeInfo().getHeaders(), remote);
	}

	/**
	 * A delivery as a message for the plain {@link WebSocketSession#send} path: binary or
	 * text as the delivery says, wrapping the shared bytes without copying them.
	 * @param buffers the session's buffer factory
	 * @param delivery the delivery
	 * @return the message
	 */
	static WebSocketMessage toMessage(DataBufferFactory buffers, Delivery delivery) {
		return new WebSocketMessage(delivery.binary() ? WebSocketMessage.Type.BINARY : WebSocketMessage.Type.TEXT,
				buffers.wrap(delivery.bytes()));
	}

	/**
	 * A delivery on a binary connection as the messages for the plain
	 * {@link WebSocketSession#send} path: its fragments when the client accepts them and
	 * it is large, else itself.
	 * @param buffers the session's buffer factory
	 * @param delivery the delivery
	 * @param binary the connection's binary side
	 * @return the messages
	 */
	static List<WebSocketMessage> toMessages(DataBufferFactory buffers, Delivery delivery, BinarySession binary) {
		if (!delivery.binary() || !binary.splits(delivery.bytes())) {
			return List.of(toMessage(buffers, delivery));
		}
		List<WebSocketMessage> messages = new ArrayList<>();
		for (byte[] fragment : binary.outgoing(delivery.bytes())) {
			messages.add(new WebSocketMessage(WebSocketMessage.Type.BINARY, buffers.wrap(fragment)));
		}
		return messages;
	}

	private CloseStatus closeStatus() {
		CloseStatus override = this.closeOverride;
		if (override != null) {
			return override;
		}
		CloseReason reason = this.connection.closeReason();
		if (reason == null) {
			return CloseStatus.NORMAL;
		}
		return new CloseStatus(reason.code(), reason.reason());
	}

	@Override
	public String name() {
		return "websocket";
	}

	@Override
	public @Nullable WireFormat format() {
		BinarySession binarySession = this.binary;
		return (binarySession != null) ? binarySession.format() : null;
	}

	@Override
	public void heartbeat(ClientConnection connection) {
		connection.sendPrepared(this.handler.ping());
	}

	@Override
	public void abort(CloseReason reason) {
		Connection nettyConnection = this.netty;
		if (nettyConnection != null) {
			ReactorNettyAccess.drop(nettyConnection);
		}
		else {
			this.session.close(closeStatus()).subscribe();
		}
	}

}

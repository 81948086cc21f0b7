package io.pushwire.server.websocket;

import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.SystemOp;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.PushServerSettings;

/**
 * Speaks the pushwire protocol on each WebSocket session (PROTOCOL.md §4).
 *
 * @since 0.1.0
 */
public final class PushWebSocketHandler implements WebSocketHandler {

	private final ConnectionFactory connections;

	private final PushServerSettings settings;

	private final ProtocolCodec codec;

	/**
	 * The heartbeat's {@code ping}, encoded once per wire format for every connection.
	 */
	private final PreparedMessage ping;

	private final boolean allowQueryToken;

	/**
	 * Create a handler that authenticates with {@code auth.token} and request credentials
	 * only.
	 * @param connections creates the connections
	 * @param settings limits and timings (message size, handshake timeout, socket send
	 * buffer)
	 * @param codec the protocol codec
	 */
	public PushWebSocketHandler(ConnectionFactory connections, PushServerSettings settings, ProtocolCodec codec) {
		this(connections, settings, codec, false);
	}

	/**
	 * Create a handler.
	 * @param connections creates the connections
	 * @param settings limits and timings (message size, handshake timeout, socket send
	 * buffer)
	 * @param codec the protocol codec
	 * @param allowQueryToken whether a {@code token} query parameter of the upgrade URL
	 * authenticates when {@code auth} carries none
	 * ({@code pushwire.server.websocket.allow-query-token})
	 */
	public PushWebSocketHandler(ConnectionFactory connections, PushServerSettings settings, ProtocolCodec codec,
			boolean allowQueryToken) {
		this.connections = connections;
		this.settings = settings;
		this.codec = codec;
		this.ping = PreparedMessage.of(codec, new SystemOp.Ping());
		this.allowQueryToken = allowQueryToken;
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		return new WebSocketSessionHandler(this, session).run();
	}

	ConnectionFactory connections() {
		return this.connections;
	}

	PushServerSettings settings() {
		return this.settings;
	}

	PreparedMessage ping() {
		return this.ping;
	}

	ProtocolCodec codec() {
		return this.codec;
	}

	boolean allowQueryToken() {
		return this.allowQueryToken;
	}

}

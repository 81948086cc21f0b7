package io.pushwire.server.websocket;

import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

import io.pushwire.core.Fragments;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.SystemOp;
import io.pushwire.core.WireFormats;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.PushServerSettings;

/**
 * Speaks the pushwire protocol on each WebSocket session (PROTOCOL.md §4).
 *
 * @since 0.1.0
 */
public final class PushWebSocketHandler implements WebSocketHandler {

	/** The default {@code pushwire.server.fragment-size}: 64 KiB. */
	public static final int DEFAULT_FRAGMENT_SIZE = 64 * 1024;

	private final ConnectionFactory connections;

	private final PushServerSettings settings;

	private final ProtocolCodec codec;

	/**
	 * The heartbeat's {@code ping}, encoded once per wire format for every connection.
	 */
	private final PreparedMessage ping;

	private final boolean allowQueryToken;

	private final WireFormats formats;

	private final int fragmentSize;

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
		this(connections, settings, WireFormats.jsonOnly(codec), allowQueryToken, DEFAULT_FRAGMENT_SIZE);
	}

	/**
	 * Create a handler that speaks the given wire formats.
	 * @param connections creates the connections
	 * @param settings limits and timings (message size, handshake timeout, socket send
	 * buffer)
	 * @param formats the wire formats a client may ask for with {@code ?format=}
	 * @param allowQueryToken whether a {@code token} query parameter of the upgrade URL
	 * authenticates when {@code auth} carries none
	 * @param fragmentSize the largest binary message sent whole to a client that accepts
	 * fragments ({@code pushwire.server.fragment-size})
	 */
	public PushWebSocketHandler(ConnectionFactory connections, PushServerSettings settings, WireFormats formats,
			boolean allowQueryToken, int fragmentSize) {
		if (fragmentSize < Fragments.MIN_FRAGMENT_SIZE) {
			throw new IllegalArgumentException(
					"pushwire.server.fragment-size must be at least " + Fragments.MIN_FRAGMENT_SIZE + "B");
		}
		this.connections = connections;
		this.settings = settings;
		this.codec = formats.json();
		this.ping = PreparedMessage.of(this.codec, new SystemOp.Ping());
		this.allowQueryToken = allowQueryToken;
		this.formats = formats;
		this.fragmentSize = fragmentSize;
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

	WireFormats formats() {
		return this.formats;
	}

	int fragmentSize() {
		return this.fragmentSize;
	}

	boolean allowQueryToken() {
		return this.allowQueryToken;
	}

}

package io.pushwire.server.websocket;

import io.pushwire.server.connection.PushEngine;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

/**
 * Speaks the pushwire protocol on each WebSocket session (PROTOCOL.md §4).
 */
public final class PushWebSocketHandler implements WebSocketHandler {

	private final PushEngine engine;

	private final boolean allowQueryToken;

	/**
	 * Create a handler that authenticates with {@code auth.token} and request credentials only.
	 * @param engine the server's engine
	 */
	public PushWebSocketHandler(PushEngine engine) {
		this(engine, false);
	}

	/**
	 * Create a handler.
	 * @param engine the server's engine
	 * @param allowQueryToken whether a {@code token} query parameter of the upgrade URL authenticates
	 * when {@code auth} carries none ({@code pushwire.server.websocket.allow-query-token})
	 */
	public PushWebSocketHandler(PushEngine engine, boolean allowQueryToken) {
		this.engine = engine;
		this.allowQueryToken = allowQueryToken;
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		return new WebSocketSessionHandler(this.engine, session, this.allowQueryToken).run();
	}

}

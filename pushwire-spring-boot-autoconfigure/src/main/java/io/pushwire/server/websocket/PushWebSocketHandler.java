package io.pushwire.server.websocket;

import io.pushwire.server.PushEngine;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import reactor.core.publisher.Mono;

/**
 * Speaks the pushwire protocol on each WebSocket session (PROTOCOL.md §4).
 */
public final class PushWebSocketHandler implements WebSocketHandler {

	private final PushEngine engine;

	/**
	 * Create a handler.
	 * @param engine the server's engine
	 */
	public PushWebSocketHandler(PushEngine engine) {
		this.engine = engine;
	}

	@Override
	public Mono<Void> handle(WebSocketSession session) {
		return new WebSocketSessionHandler(this.engine, session).run();
	}

}

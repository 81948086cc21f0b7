package io.pushwire.client;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Opens connections of one kind (WebSocket or SSE).
 */
interface Transport {

	/**
	 * The name shown in events and state.
	 * @return {@code websocket} or {@code sse}
	 */
	String name();

	/**
	 * Open a connection and run it until it ends.
	 * @param baseUrl the server's base URL, for example {@code http://host:8080/rps}
	 * @param token the bearer token, or {@code null}
	 * @param handler the client side of the connection
	 * @return never completes normally: fails with a {@link PushConnectionException} when
	 * the connection ends or cannot be opened
	 */
	Mono<Void> open(String baseUrl, @Nullable String token, Link.Handler handler);

}

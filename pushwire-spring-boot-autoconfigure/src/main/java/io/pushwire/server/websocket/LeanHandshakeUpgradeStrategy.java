package io.pushwire.server.websocket;

import java.util.Collections;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Upgrades like the strategy it wraps, but describes the handshake with the request's own
 * headers, URI and cookies instead of copies. WebFlux copies every request header into
 * the {@link HandshakeInfo}, which each connection then keeps for its whole life (about
 * 2.5 KB of strings and maps for a browser's dozen headers), while the server keeps the
 * request's headers anyway. Session attributes are not carried over: pushwire does not
 * read them.
 *
 * @since 0.1.0
 */
public final class LeanHandshakeUpgradeStrategy implements RequestUpgradeStrategy {

	private final RequestUpgradeStrategy delegate;

	/**
	 * Wrap a strategy.
	 * @param delegate the strategy that upgrades
	 */
	public LeanHandshakeUpgradeStrategy(RequestUpgradeStrategy delegate) {
		this.delegate = delegate;
	}

	@Override
	public Mono<Void> upgrade(ServerWebExchange exchange, WebSocketHandler handler, @Nullable String subProtocol,
			Supplier<HandshakeInfo> handshakeInfoFactory) {
		return this.delegate.upgrade(exchange, handler, subProtocol, () -> {
			ServerHttpRequest request = exchange.getRequest();
			return new HandshakeInfo(request.getURI(), request.getHeaders(), request.getCookies(),
					exchange.getPrincipal(), subProtocol, request.getRemoteAddress(), Collections.emptyMap(),
					exchange.getLogPrefix());
		});
	}

}

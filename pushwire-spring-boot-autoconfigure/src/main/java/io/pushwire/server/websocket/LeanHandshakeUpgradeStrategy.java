package io.pushwire.server.websocket;

import java.security.Principal;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
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
 * request's headers anyway. They are the headers of the request the server made, under
 * any decorator (Spring Security's firewall's headers keep the whole exchange). Session
 * attributes are not carried over: pushwire does not read them.
 * <p>
 * The principal is the one {@link PushWebSocketEndpoint} read from the request before the
 * upgrade (the {@link #PRINCIPAL} attribute), handed out once, to the authentication of
 * the client's {@code auth}, and then dropped: the exchange's {@code getPrincipal()}
 * would keep the exchange and the security context reachable for the connection's life,
 * and the principal itself (a {@code JwtAuthenticationToken} with its {@code Jwt}, say)
 * is not needed once the connection kept what it needs of it.
 *
 * @since 0.1.0
 */
public final class LeanHandshakeUpgradeStrategy implements RequestUpgradeStrategy {

	/**
	 * The exchange attribute with the request's principal, resolved before the upgrade:
	 * an {@code Optional<Principal>}, empty for a request without one.
	 */
	public static final String PRINCIPAL = LeanHandshakeUpgradeStrategy.class.getName() + ".principal";

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
			ServerHttpRequest request = undecorated(exchange.getRequest());
			Object resolved = exchange.getAttributes().remove(PRINCIPAL);
			// Without the attribute (not upgraded through PushWebSocketEndpoint), the
			// exchange's own.
			Mono<Principal> principal = (resolved instanceof Optional<?> value) ? once((Principal) value.orElse(null))
					: exchange.getPrincipal();
			return new HandshakeInfo(request.getURI(), request.getHeaders(), request.getCookies(), principal,
					subProtocol, request.getRemoteAddress(), Collections.emptyMap(), exchange.getLogPrefix());
		});
	}

	/**
	 * The request under its decorators: a decorator's headers (Spring Security's
	 * firewall's, say) are views that keep the decorated request and its exchange
	 * reachable, for the connection's life once in the {@link HandshakeInfo}.
	 * @param request the exchange's request
	 * @return the request the server made
	 */
	static ServerHttpRequest undecorated(ServerHttpRequest request) {
		ServerHttpRequest current = request;
		while (current instanceof ServerHttpRequestDecorator decorator) {
			current = decorator.getDelegate();
		}
		return current;
	}

	/**
	 * A Mono that emits the principal to its first subscriber only, then lets it go.
	 * @param principal the principal, or {@code null} for none
	 * @return the Mono
	 */
	static Mono<Principal> once(@Nullable Principal principal) {
		if (principal == null) {
			return Mono.empty();
		}
		AtomicReference<@Nullable Principal> held = new AtomicReference<>(principal);
		return Mono.defer(() -> Mono.justOrEmpty(held.getAndSet(null)));
	}

}

package io.pushwire.server.websocket;

import java.net.URI;
import java.security.Principal;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.WebsocketServerSpec;

/**
 * Upgrades like the strategy it wraps, but describes the handshake with the request's own
 * headers instead of copies, and keeps no more of the request than the connection reads.
 * WebFlux copies every request header into the {@link HandshakeInfo}, which each
 * connection then keeps for its whole life (about 2.5 KB of strings and maps for a
 * browser's dozen headers), while the server keeps the request's headers anyway. They are
 * the headers of the request the server made, under any decorator (Spring Security's
 * firewall's headers keep the whole exchange), and they are released once the client is
 * authenticated ({@link ReactorNettyAccess#releaseHandshake}). The URI is the request's
 * path and query only (the connection reads {@code ?format=} and {@code ?token=}); the
 * cookies are not parsed (an empty map: an {@code AuthValidator} finds them in the
 * {@code Cookie} header); session attributes are not carried over: pushwire reads none of
 * them.
 * <p>
 * On Reactor Netty (a {@link ReactorNettyRequestUpgradeStrategy} without a sub-protocol)
 * it upgrades as that strategy does, without the {@code checkpoint} it puts on the
 * handler's {@code Mono}: the checkpoint's description (the request's full URL) and its
 * subscriber stay for the connection's life, about 300 bytes per connection for a
 * traceback line that a connection's failures, logged by the handler itself, do not need.
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

	/** Cookies the handshake does not parse. */
	private static final MultiValueMap<String, HttpCookie> NO_COOKIES = CollectionUtils
		.unmodifiableMultiValueMap(new LinkedMultiValueMap<>(0));

	private final RequestUpgradeStrategy delegate;

	/** The last path-only URI made, shared by the upgrades without a query. */
	private volatile @Nullable URI lastPathOnly;

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
		Supplier<HandshakeInfo> lean = () -> handshakeInfo(exchange, subProtocol);
		if (subProtocol == null && this.delegate instanceof ReactorNettyRequestUpgradeStrategy reactorNetty
				&& exchange.getResponse().bufferFactory() instanceof NettyDataBufferFactory buffers) {
			HttpServerResponse response = nativeResponse(exchange.getResponse());
			if (response != null) {
				return upgradeReactorNetty(exchange, handler, lean.get(), response, buffers,
						reactorNetty.getWebsocketServerSpec());
			}
		}
		return this.delegate.upgrade(exchange, handler, subProtocol, lean);
	}

	/**
	 * Upgrade as {@link ReactorNettyRequestUpgradeStrategy} does, without its checkpoint.
	 * @param exchange the exchange
	 * @param handler the WebSocket handler
	 * @param info the handshake
	 * @param response the Reactor Netty response
	 * @param buffers the response's buffer factory
	 * @param spec the WebSocket settings of the wrapped strategy
	 * @return completes when the connection ends
	 */
	private static Mono<Void> upgradeReactorNetty(ServerWebExchange exchange, WebSocketHandler handler,
			HandshakeInfo info, HttpServerResponse response, NettyDataBufferFactory buffers, WebsocketServerSpec spec) {
		// The response's pre-commit actions (headers the filters added) run first, as
		// WebFlux's strategy runs them.
		return exchange.getResponse()
			.setComplete()
			.then(Mono.defer(() -> response.sendWebsocket(
					(in, out) -> handler
						.handle(new ReactorNettyWebSocketSession(in, out, info, buffers, spec.maxFramePayloadLength())),
					spec)));
	}

	private static @Nullable HttpServerResponse nativeResponse(ServerHttpResponse response) {
		try {
			return (ServerHttpResponseDecorator.getNativeResponse(response) instanceof HttpServerResponse reactor)
					? reactor : null;
		}
		catch (IllegalStateException ex) {
			// Not a server's response (a test's): the wrapped strategy decides.
			return null;
		}
	}

	private HandshakeInfo handshakeInfo(ServerWebExchange exchange, @Nullable String subProtocol) {
		ServerHttpRequest request = undecorated(exchange.getRequest());
		Object resolved = exchange.getAttributes().remove(PRINCIPAL);
		// Without the attribute (not upgraded through PushWebSocketEndpoint), the
		// exchange's own.
		Mono<Principal> principal = (resolved instanceof Optional<?> value) ? once((Principal) value.orElse(null))
				: exchange.getPrincipal();
		return new HandshakeInfo(pathAndQuery(request.getURI()), request.getHeaders(), NO_COOKIES, principal,
				subProtocol, request.getRemoteAddress(), Collections.emptyMap(), exchange.getLogPrefix());
	}

	/**
	 * The request's path and query as a relative URI: what the connection reads of it,
	 * without the scheme, host and authority strings that a full URI keeps per
	 * connection. Upgrades without a query share one.
	 * @param uri the request's URI
	 * @return the relative URI
	 */
	URI pathAndQuery(URI uri) {
		String path = (uri.getRawPath() != null) ? uri.getRawPath() : "/";
		String query = uri.getRawQuery();
		if (query != null) {
			return URI.create(path + "?" + query);
		}
		URI last = this.lastPathOnly;
		if (last != null && path.equals(last.getRawPath())) {
			return last;
		}
		URI made = URI.create(path);
		this.lastPathOnly = made;
		return made;
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

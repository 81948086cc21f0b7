package io.pushwire.autoconfigure.security;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import io.pushwire.security.PushwireSecurityCustomizer;

/**
 * Logs one WARN the first time an anonymous request to a push route is refused with 401
 * or 403 before any pushwire endpoint saw it: the application's
 * {@code SecurityWebFilterChain} then requires HTTP authentication on routes whose
 * clients authenticate with the {@code auth} message, and every push client fails. Runs
 * ahead of Spring Security's filter; a refusal by pushwire itself (a bad token, a
 * forbidden origin) has a matched handler and is not reported, nor is a request that
 * carried credentials (which a resource server may reject on any route) or a CORS
 * preflight. Once it has warned it only passes requests on.
 *
 * @since 0.1.0
 */
public final class PushRouteAccessWarning implements WebFilter, Ordered {

	private static final Log logger = LogFactory.getLog(PushRouteAccessWarning.class);

	/** Ahead of Spring Security's {@code WebFilterChainProxy} (order -100). */
	static final int ORDER = -101;

	private final ServerWebExchangeMatcher routes;

	private final String path;

	private final AtomicBoolean warned = new AtomicBoolean();

	/**
	 * Create the warning for the routes a customizer opens.
	 * @param customizer the customizer (its routes)
	 * @param path the WebSocket path ({@code pushwire.server.path})
	 */
	public PushRouteAccessWarning(PushwireSecurityCustomizer customizer, String path) {
		this.routes = customizer.pushwireExchanges();
		this.path = path;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Whether the warning was logged.
	 * @return {@code true} once logged
	 */
	public boolean hasWarned() {
		return this.warned.get();
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.warned.get() || exchange.getRequest().getMethod() == HttpMethod.OPTIONS
				|| exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)) {
			return chain.filter(exchange);
		}
		return this.routes.matches(exchange).flatMap((match) -> {
			if (match.isMatch()) {
				exchange.getResponse().beforeCommit(() -> {
					check(exchange);
					return Mono.empty();
				});
			}
			return chain.filter(exchange);
		});
	}

	private void check(ServerWebExchange exchange) {
		HttpStatusCode status = exchange.getResponse().getStatusCode();
		boolean refused = status != null && (status.value() == HttpStatus.UNAUTHORIZED.value()
				|| status.value() == HttpStatus.FORBIDDEN.value());
		if (refused && exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE) == null
				&& this.warned.compareAndSet(false, true)) {
			logger.warn("An anonymous request to the push route " + exchange.getRequest().getPath().value()
					+ " was refused with " + status.value() + " before pushwire saw it: the application's "
					+ "SecurityWebFilterChain requires HTTP authentication on the push routes, so every push client "
					+ "fails. Push clients authenticate with the 'auth' message, not at the HTTP level: permit the "
					+ "routes in the chain, with .authorizeExchange((exchanges) -> exchanges.pathMatchers(\""
					+ this.path + "\", \"" + this.path + "/**\").permitAll()) or by applying the "
					+ "PushwireSecurityCustomizer bean first (pushwireSecurityCustomizer.customize(http), before "
					+ "anyExchange()). Logged once.");
		}
	}

}

package io.pushwire.security;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher.MatchResult;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.util.Assert;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Opens pushwire's routes in the application's own {@code SecurityWebFilterChain};
 * pushwire never contributes a chain of its own. Apply it first, before
 * {@code anyExchange()}:
 *
 * <pre class="code">
 * &#64;Bean
 * SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, PushwireSecurityCustomizer pushwire) {
 *     pushwire.customize(http);
 *     http.authorizeExchange((exchanges) -&gt; exchanges.anyExchange().authenticated());
 *     http.formLogin(Customizer.withDefaults());
 *     return http.build();
 * }
 * </pre>
 *
 * It does two things, both limited to {@code <path>}, {@code <path>/sse},
 * {@code <path>/ack} and {@code <path>/send} (and {@code GET}/{@code HEAD} of
 * {@code <path>/assets/*}, which authenticates like SSE, and of the browser client
 * script, {@code <path>/client.js} by default, a public file):
 * <ul>
 * <li><b>permits them at the HTTP level.</b> Pushwire authenticates their clients itself
 * (PROTOCOL.md §7): from the credentials on the request, which the chain's own
 * authentication still checks when present (a bad password or bearer header is refused
 * with 401 as anywhere else), or from {@code auth.token} / the {@code token} query
 * parameter. A client with neither is closed with 4001 or gets 401 from pushwire, unless
 * anonymous access is turned on.</li>
 * <li><b>exempts {@code POST <path>/ack} and {@code <path>/send} from the CSRF token, but
 * only for requests that a foreign web page cannot forge:</b> a {@code Content-Type} of
 * {@code application/json} and an {@code Origin} that is absent, the server's own, or one
 * of {@code pushwire.server.allowed-origins}. A browser sends a cross-site JSON request
 * only after a CORS preflight, which pushwire answers for the allowed origins only, so a
 * forged request never carries the user's cookies or HTTP Basic credentials. Anything
 * else, such as a cross-site form or {@code text/plain} post riding on a session cookie,
 * stays under the chain's CSRF protection and is refused without a token.</li>
 * </ul>
 * Setting the chain's own {@code requireCsrfProtectionMatcher} afterwards replaces the
 * exemption; combine it with {@link #csrfExemption()} instead. Applying this customizer
 * after {@code csrf().disable()} would turn CSRF protection back on, so apply it first.
 *
 * @since 0.1.0
 */
public final class PushwireSecurityCustomizer implements Customizer<ServerHttpSecurity> {

	private static final Mono<MatchResult> MATCH = MatchResult.match();

	private static final Mono<MatchResult> NO_MATCH = MatchResult.notMatch();

	private final String path;

	private final CorsConfiguration cors;

	private final ServerWebExchangeMatcher pushwireExchanges;

	private final ServerWebExchangeMatcher csrfExemption;

	/**
	 * Create a customizer.
	 * @param path the server's base path ({@code pushwire.server.path}), like
	 * {@code /rps}
	 * @param allowedOrigins the allowed origins
	 * ({@code pushwire.server.allowed-origins}); empty for same origin only, {@code *}
	 * for any
	 */
	public PushwireSecurityCustomizer(String path, List<String> allowedOrigins) {
		this(path, allowedOrigins, null);
	}

	/**
	 * Create a customizer that also opens the browser client script to {@code GET} and
	 * {@code HEAD} without credentials.
	 * @param path the server's base path ({@code pushwire.server.path}), like
	 * {@code /rps}
	 * @param allowedOrigins the allowed origins
	 * ({@code pushwire.server.allowed-origins}); empty for same origin only, {@code *}
	 * for any
	 * @param browserClientPath where the browser client is served, like
	 * {@code /rps/client.js}; {@code null} when it is not
	 */
	public PushwireSecurityCustomizer(String path, List<String> allowedOrigins, @Nullable String browserClientPath) {
		Assert.isTrue(path.startsWith("/") && !path.endsWith("/"),
				() -> "Path must start with '/' and not end with '/', like /rps; was '" + path + "'");
		this.path = path;
		this.cors = PushwireCors.forHttpEndpoints(allowedOrigins);
		// Assets (GET <path>/assets/{sha256}) authenticate their requests themselves,
		// like
		// SSE.
		ServerWebExchangeMatcher routes = new OrServerWebExchangeMatcher(
				ServerWebExchangeMatchers.pathMatchers(path, path + "/sse", path + "/ack", path + "/send"),
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, path + "/assets/*"),
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.HEAD, path + "/assets/*"));
		this.pushwireExchanges = (browserClientPath != null) ? new OrServerWebExchangeMatcher(routes,
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, browserClientPath),
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.HEAD, browserClientPath)) : routes;
		this.csrfExemption = new AndServerWebExchangeMatcher(
				ServerWebExchangeMatchers.pathMatchers(HttpMethod.POST, path + "/ack", path + "/send"),
				PushwireSecurityCustomizer::hasJsonBody, this::hasTrustedOrigin);
	}

	@Override
	public void customize(ServerHttpSecurity http) {
		try {
			http.authorizeExchange((exchanges) -> exchanges.matchers(this.pushwireExchanges).permitAll());
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(
					"Apply PushwireSecurityCustomizer to ServerHttpSecurity before "
							+ "authorizeExchange(...anyExchange()...): rules after anyExchange() are never reached",
					ex);
		}
		http.csrf((csrf) -> csrf.requireCsrfProtectionMatcher(requireCsrfProtectionMatcher()));
	}

	/**
	 * Pushwire's routes: the WebSocket, SSE, ack and send endpoints under the base path,
	 * any method, and GET/HEAD of assets and the browser client.
	 * @return the matcher
	 */
	public ServerWebExchangeMatcher pushwireExchanges() {
		return this.pushwireExchanges;
	}

	/**
	 * The requests that need no CSRF token: JSON posts to {@code <path>/ack} and
	 * {@code <path>/send} from no origin, the server's own or an allowed one.
	 * @return the matcher
	 */
	public ServerWebExchangeMatcher csrfExemption() {
		return this.csrfExemption;
	}

	/**
	 * Spring Security's default CSRF matcher (every method but GET, HEAD, TRACE and
	 * OPTIONS) without {@link #csrfExemption()}.
	 * @return the matcher that {@link #customize} sets on the chain
	 */
	public ServerWebExchangeMatcher requireCsrfProtectionMatcher() {
		return new AndServerWebExchangeMatcher(CsrfWebFilter.DEFAULT_CSRF_MATCHER,
				new NegatedServerWebExchangeMatcher(this.csrfExemption));
	}

	private static Mono<MatchResult> hasJsonBody(ServerWebExchange exchange) {
		try {
			MediaType type = exchange.getRequest().getHeaders().getContentType();
			// application/json is not a CORS-safelisted type: a browser sends it
			// cross-site only after
			// a preflight, which pushwire's CORS rules answer for the allowed origins
			// only.
			return (type != null && MediaType.APPLICATION_JSON.equalsTypeAndSubtype(type)) ? MATCH : NO_MATCH;
		}
		catch (InvalidMediaTypeException ex) {
			return NO_MATCH;
		}
	}

	private Mono<MatchResult> hasTrustedOrigin(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		String origin = request.getHeaders().getFirst(HttpHeaders.ORIGIN);
		if (origin == null) {
			// Not a browser, or an older one on the same origin: a cross-site JSON post
			// would still
			// have needed a preflight.
			return MATCH;
		}
		// The WebSocket's Origin check: the request's own origin compared as text, or an
		// allowed one.
		return PushwireCors.isAllowed(this.cors, request, origin) ? MATCH : NO_MATCH;
	}

	@Override
	public String toString() {
		return "PushwireSecurityCustomizer[path=" + this.path + ", allowedOrigins=" + this.cors.getAllowedOrigins()
				+ "]";
	}

}

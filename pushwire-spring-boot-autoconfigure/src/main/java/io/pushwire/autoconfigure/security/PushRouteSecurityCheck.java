package io.pushwire.autoconfigure.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.server.WebFilter;

import io.pushwire.autoconfigure.PushwireServerProperties;

/**
 * Checks at startup that the application's Spring Security filter lets a request without
 * credentials through to each of pushwire's routes: the WebSocket upgrade, SSE, ack,
 * send, assets and the browser client. Push clients may authenticate inside the protocol
 * ({@code auth.token}, the {@code token} query parameter), so a chain that requires HTTP
 * authentication on these routes ({@code anyExchange().authenticated()} without
 * {@code PushwireSecurityCustomizer}), or a CSRF token on the JSON ack and send, refuses
 * them before pushwire sees them. Each route is run through the application's
 * {@code WebFilterChainProxy} with an in-memory exchange ({@link PushRouteProbe}); the
 * routes refused are logged in one WARN that names them and the fix, or, with
 * {@code pushwire.server.security-check.mode=fail}, fail startup with a
 * {@link PushRoutesBlockedException}.
 */
final class PushRouteSecurityCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(PushRouteSecurityCheck.class);

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

	private final Supplier<@Nullable WebFilter> securityFilter;

	private final String path;

	private final @Nullable String browserClientPath;

	private final BooleanSupplier assets;

	private final PushwireServerProperties.SecurityCheck.Mode mode;

	/**
	 * Create the check.
	 * @param securityFilter the application's security filter (its
	 * {@code WebFilterChainProxy}), read once every singleton exists; {@code null} when
	 * there is none
	 * @param path the server's base path ({@code pushwire.server.path})
	 * @param browserClientPath the browser client's path, or {@code null} when it is not
	 * served
	 * @param assets whether {@code <path>/assets/*} is served, read with the filter
	 * @param mode what to do with a refused route
	 */
	PushRouteSecurityCheck(Supplier<@Nullable WebFilter> securityFilter, String path,
			@Nullable String browserClientPath, BooleanSupplier assets,
			PushwireServerProperties.SecurityCheck.Mode mode) {
		this.securityFilter = securityFilter;
		this.path = path;
		this.browserClientPath = browserClientPath;
		this.assets = assets;
		this.mode = mode;
	}

	static List<Route> routes(String path, @Nullable String browserClientPath, boolean assets) {
		String json = MediaType.APPLICATION_JSON_VALUE;
		List<Route> routes = new ArrayList<>();
		routes.add(new Route(HttpMethod.GET, path, "WebSocket upgrade",
				Map.of(HttpHeaders.UPGRADE, "websocket", HttpHeaders.CONNECTION, "Upgrade", "Sec-WebSocket-Key",
						"dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13")));
		routes.add(new Route(HttpMethod.GET, path + "/sse?channels=probe", "SSE",
				Map.of(HttpHeaders.ACCEPT, MediaType.TEXT_EVENT_STREAM_VALUE)));
		routes.add(new Route(HttpMethod.POST, path + "/ack", "JSON ack", Map.of(HttpHeaders.CONTENT_TYPE, json)));
		routes.add(new Route(HttpMethod.POST, path + "/send", "JSON send", Map.of(HttpHeaders.CONTENT_TYPE, json)));
		if (assets) {
			routes.add(new Route(HttpMethod.GET, path + "/assets/probe", "asset", Map.of()));
		}
		if (browserClientPath != null) {
			routes.add(new Route(HttpMethod.GET, browserClientPath, "browser client", Map.of()));
		}
		return List.copyOf(routes);
	}

	@Override
	public void afterSingletonsInstantiated() {
		if (this.mode == PushwireServerProperties.SecurityCheck.Mode.OFF) {
			return;
		}
		WebFilter filter = this.securityFilter.get();
		if (filter == null) {
			return;
		}
		List<Refusal> refusals = check(filter, routes(this.path, this.browserClientPath, this.assets.getAsBoolean()));
		if (refusals.isEmpty()) {
			return;
		}
		PushRoutesBlockedException failure = new PushRoutesBlockedException(this.path, refusals);
		if (this.mode == PushwireServerProperties.SecurityCheck.Mode.FAIL) {
			throw failure;
		}
		logger.warn(failure.getMessage() + " " + failure.getAction());
	}

	/**
	 * Run routes through a security filter.
	 * @param filter the security filter
	 * @param routes the routes
	 * @return the routes refused, in the order checked
	 */
	static List<Refusal> check(WebFilter filter, List<Route> routes) {
		List<Refusal> refusals = new ArrayList<>();
		for (Route route : routes) {
			Integer status = probe(filter, route);
			if (status != null) {
				refusals.add(new Refusal(route, status));
			}
		}
		return refusals;
	}

	private static @Nullable Integer probe(WebFilter filter, Route route) {
		try {
			// At startup, on the thread that refreshes the context (never an event loop):
			// the in-memory exchange completes at once unless a filter waits for
			// something, which the timeout bounds.
			return PushRouteProbe.refusal(filter, route)
				.toFuture()
				.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		catch (Exception ex) {
			// A filter that needs what a probe cannot give: no conclusion for this route.
			if (logger.isDebugEnabled()) {
				logger.debug("Could not check " + route.describe() + " against the security filter", ex);
			}
			return null;
		}
	}

	/**
	 * A request to one of pushwire's routes, without credentials.
	 *
	 * @param method the method
	 * @param uri the path and query
	 * @param what what the route is, for the message
	 * @param headers the request's headers (besides {@code Host})
	 */
	record Route(HttpMethod method, String uri, String what, Map<String, String> headers) {

		String describe() {
			int query = this.uri.indexOf('?');
			return this.method.name() + " " + ((query < 0) ? this.uri : this.uri.substring(0, query)) + " (" + this.what
					+ ")";
		}

	}

	/**
	 * A route the security filter refused.
	 *
	 * @param route the route
	 * @param status the HTTP status it was answered with, {@code 0} for none
	 */
	record Refusal(Route route, int status) {

		@Override
		public String toString() {
			return this.route.describe() + ": " + ((this.status != 0) ? this.status : "refused without a status");
		}

	}

}

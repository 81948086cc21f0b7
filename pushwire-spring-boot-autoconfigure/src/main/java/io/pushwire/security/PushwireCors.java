package io.pushwire.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;

/**
 * The CORS rules of the SSE and HTTP endpoints ({@code <path>/sse}, {@code /ack},
 * {@code /send}), built from the same {@code pushwire.server.allowed-origins} list as the
 * WebSocket's {@code Origin} check, which matches origins with the same configuration, so
 * that one list and one implementation decide which web sites may use the push server
 * from a browser.
 * <p>
 * With explicit origins or origin patterns ({@code https://*.example.com}), those origins
 * may call the endpoints with credentials (cookies, HTTP Basic); with {@code *}, any
 * origin may, but without credentials (browsers then send no cookies, so a foreign page
 * cannot act as the user). With none, only the server's own origin may: a cross-origin
 * request or preflight is refused with 403, as the WebSocket upgrade is. The {@code null}
 * origin (sandboxed frames, {@code file:} pages) is allowed only when listed, even with
 * {@code *}.
 *
 * @since 0.1.0
 */
public final class PushwireCors {

	/** The request headers that clients of the endpoints send. */
	public static final List<String> ALLOWED_HEADERS = List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE,
			"Last-Event-ID");

	private static final String NULL_ORIGIN = "null";

	private PushwireCors() {
	}

	/**
	 * The CORS configuration of the SSE and HTTP endpoints; its
	 * {@link CorsConfiguration#checkOrigin} is the WebSocket's {@code Origin} check too.
	 * @param allowedOrigins the allowed origins and origin patterns; empty for same
	 * origin only, {@code *} for any
	 * @return the configuration
	 */
	public static CorsConfiguration forHttpEndpoints(List<String> allowedOrigins) {
		List<String> origins = allowedOrigins.stream().map(PushwireCors::normalizeOrigin).distinct().toList();
		CorsConfiguration config = new OriginConfiguration(origins.contains(NULL_ORIGIN));
		if (origins.contains(CorsConfiguration.ALL)) {
			config.setAllowedOrigins(List.of(CorsConfiguration.ALL));
			// A wildcard with credentials would let any site act as the signed-in user.
			config.setAllowCredentials(false);
		}
		else {
			config.setAllowedOrigins(origins.stream().filter((origin) -> !origin.contains("*")).toList());
			config.setAllowedOriginPatterns(origins.stream().filter((origin) -> origin.contains("*")).toList());
			config.setAllowCredentials(!origins.isEmpty());
		}
		config.setAllowedMethods(List.of(HttpMethod.GET.name(), HttpMethod.POST.name()));
		config.setAllowedHeaders(ALLOWED_HEADERS);
		config.setMaxAge(1800L);
		return config;
	}

	/**
	 * Normalize an origin as browsers send it: lowercase, no trailing slash, no default
	 * port. Done on the text, not with {@link java.net.URI}, which has no host for names
	 * with {@code _}.
	 * @param origin the origin, e.g. {@code https://App.example.com:443/}
	 * @return the normalized origin, e.g. {@code https://app.example.com}; {@code *} and
	 * {@code null} unchanged
	 */
	public static String normalizeOrigin(String origin) {
		String value = origin.trim().toLowerCase(Locale.ROOT);
		if (value.endsWith("/")) {
			value = value.substring(0, value.length() - 1);
		}
		if (value.startsWith("http://") && value.endsWith(":80")) {
			return value.substring(0, value.length() - 3);
		}
		if (value.startsWith("https://") && value.endsWith(":443")) {
			return value.substring(0, value.length() - 4);
		}
		return value;
	}

	/**
	 * The origin of the server as a request reached it: its scheme, host and port as the
	 * request names them (the URI, after any forwarded headers were applied, else the
	 * {@code Host} header), normalized like {@link #normalizeOrigin}.
	 * @param request the request
	 * @return the request's own origin, e.g. {@code https://push.example.com}
	 */
	public static String requestOrigin(ServerHttpRequest request) {
		URI uri = request.getURI();
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "http";
		if ("ws".equals(scheme) || "wss".equals(scheme)) {
			scheme = "http" + scheme.substring(2);
		}
		String authority = uri.getRawAuthority();
		if (authority == null) {
			authority = request.getHeaders().getFirst(HttpHeaders.HOST);
		}
		if (authority == null) {
			return "";
		}
		authority = authority.substring(authority.lastIndexOf('@') + 1);
		return normalizeOrigin(scheme + "://" + authority);
	}

	/**
	 * Whether a browser request from {@code origin} may use the push server: it is the
	 * request's own origin ({@link #requestOrigin}) or {@code cors} allows it.
	 * @param cors the configuration from {@link #forHttpEndpoints}
	 * @param request the request
	 * @param origin its {@code Origin} header
	 * @return {@code true} when allowed
	 */
	public static boolean isAllowed(CorsConfiguration cors, ServerHttpRequest request, String origin) {
		String normalized = normalizeOrigin(origin);
		return (!NULL_ORIGIN.equals(normalized) && normalized.equals(requestOrigin(request)))
				|| cors.checkOrigin(normalized) != null;
	}

	/**
	 * Matches normalized origins, and the {@code null} origin only when it is listed:
	 * Spring's own matching lets {@code *} allow it. (A copy made with
	 * {@link CorsConfiguration#combine} matches as Spring does.)
	 */
	private static final class OriginConfiguration extends CorsConfiguration {

		private final boolean nullListed;

		OriginConfiguration(boolean nullListed) {
			this.nullListed = nullListed;
		}

		@Override
		public @Nullable String checkOrigin(@Nullable String origin) {
			if (origin == null) {
				return null;
			}
			String normalized = normalizeOrigin(origin);
			if (NULL_ORIGIN.equals(normalized) && !this.nullListed) {
				return null;
			}
			return super.checkOrigin(normalized);
		}

	}

}

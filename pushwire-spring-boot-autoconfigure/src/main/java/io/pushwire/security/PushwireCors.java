package io.pushwire.security;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.cors.CorsConfiguration;

/**
 * The CORS rules of the SSE and HTTP endpoints ({@code <path>/sse}, {@code /ack}, {@code /send}),
 * built from the same {@code pushwire.server.allowed-origins} list as the WebSocket's {@code Origin}
 * check, so that one list decides which web sites may use the push server from a browser.
 * <p>
 * With explicit origins, those origins may call the endpoints with credentials (cookies, HTTP
 * Basic); with {@code *}, any origin may, but without credentials (browsers then send no cookies,
 * so a foreign page cannot act as the user). With none, only the server's own origin may: a
 * cross-origin request or preflight is refused with 403, as the WebSocket upgrade is.
 */
public final class PushwireCors {

	/** The request headers that clients of the endpoints send. */
	public static final List<String> ALLOWED_HEADERS = List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE,
			"Last-Event-ID");

	private PushwireCors() {
	}

	/**
	 * The CORS configuration of the SSE and HTTP endpoints.
	 * @param allowedOrigins the allowed origins; empty for same origin only, {@code *} for any
	 * @return the configuration
	 */
	public static CorsConfiguration forHttpEndpoints(List<String> allowedOrigins) {
		List<String> origins = allowedOrigins.stream().map(PushwireCors::normalizeOrigin).distinct().toList();
		CorsConfiguration config = new CorsConfiguration();
		if (origins.contains(CorsConfiguration.ALL)) {
			config.setAllowedOrigins(List.of(CorsConfiguration.ALL));
			// A wildcard with credentials would let any site act as the signed-in user.
			config.setAllowCredentials(false);
		}
		else {
			config.setAllowedOrigins(origins);
			config.setAllowCredentials(!origins.isEmpty());
		}
		config.setAllowedMethods(List.of(HttpMethod.GET.name(), HttpMethod.POST.name()));
		config.setAllowedHeaders(ALLOWED_HEADERS);
		config.setMaxAge(1800L);
		return config;
	}

	/**
	 * Normalize an origin as browsers send it: lowercase, no trailing slash, no default port.
	 * @param origin the origin, e.g. {@code https://App.example.com:443/}
	 * @return the normalized origin, e.g. {@code https://app.example.com}; {@code *} unchanged
	 */
	public static String normalizeOrigin(String origin) {
		String value = origin.trim().toLowerCase(Locale.ROOT);
		if (value.endsWith("/")) {
			value = value.substring(0, value.length() - 1);
		}
		if (CorsConfiguration.ALL.equals(value)) {
			return value;
		}
		try {
			URI uri = URI.create(value);
			if (uri.getScheme() == null || uri.getHost() == null) {
				return value;
			}
			int port = uri.getPort();
			boolean defaultPort = port == -1 || ("http".equals(uri.getScheme()) && port == 80)
					|| ("https".equals(uri.getScheme()) && port == 443);
			return uri.getScheme() + "://" + uri.getHost() + (defaultPort ? "" : ":" + port);
		}
		catch (IllegalArgumentException ex) {
			return value;
		}
	}

}

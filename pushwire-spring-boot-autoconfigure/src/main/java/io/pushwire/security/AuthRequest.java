package io.pushwire.security;

import java.net.InetSocketAddress;
import java.security.Principal;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * What a client presented to authenticate: a token from the {@code auth} op or the
 * {@code token} query parameter, and the HTTP request of the WebSocket upgrade or SSE
 * stream.
 *
 * @param token the bearer token from {@code auth.token} or the query, or {@code null}
 * @param requestPrincipal the principal that the application's security already
 * authenticated on the HTTP request (session cookie, HTTP Basic, bearer header), or
 * {@code null}
 * @param headers the HTTP request's headers; a WebSocket upgrade's are cleared once the
 * handshake ends (a connection does not keep them for its life), so a validator copies
 * what it keeps of them
 * @param remoteAddress the client's address, or {@code null} when unknown
 * @since 0.1.0
 */
public record AuthRequest(@Nullable String token, @Nullable Principal requestPrincipal, HttpHeaders headers,
		@Nullable InetSocketAddress remoteAddress) {

	@Override
	public String toString() {
		return "AuthRequest[token=" + ((this.token != null) ? "<redacted>" : null) + ", requestPrincipal="
				+ ((this.requestPrincipal != null) ? this.requestPrincipal.getName() : null) + ", remoteAddress="
				+ this.remoteAddress + "]";
	}

}

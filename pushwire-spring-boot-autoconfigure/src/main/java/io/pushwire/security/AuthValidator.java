package io.pushwire.security;

import java.security.Principal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Turns what a client presented into a principal (PROTOCOL.md §7). An empty result or an
 * error means the client is not authenticated: WebSocket clients are closed with 4001,
 * HTTP requests get 401.
 * <p>
 * With Spring Security, the default validator authenticates {@code auth.token} through
 * the application's JWT decoder or {@code ReactiveAuthenticationManager} like a bearer
 * header, and otherwise honours the principal that the security filter chain
 * authenticated on the request. Declare a bean to authenticate otherwise (custom tokens,
 * no Spring Security).
 * <p>
 * A connection lives no longer than its credentials ({@link #expiresAt}). The token of a
 * client's {@code refresh} op is authenticated here too, presented alone: an
 * {@link AuthRequest} with no request principal and no headers.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AuthValidator {

	/**
	 * Authenticate a client.
	 * @param request what the client presented
	 * @return the principal, or empty when the client is not authenticated
	 */
	Mono<Principal> authenticate(AuthRequest request);

	/**
	 * When the credentials that authenticated a principal expire (PROTOCOL.md §7.1): the
	 * server closes the connection then with {@code goodbye token_expired} and 4011
	 * unless the client sent {@code refresh} with new credentials first.
	 * <p>
	 * By default, the expiry of the token behind a Spring Security OAuth2 token
	 * authentication: a {@code JwtAuthenticationToken}'s {@code exp}, an opaque token's
	 * introspected expiry. It is the token's own expiry, never extended by a decoder's
	 * clock-skew allowance. Other principals have none. Override this to give the
	 * principals of your own tokens an expiry.
	 * @param principal a principal that {@link #authenticate} returned
	 * @return the expiry, or {@code null} when the credentials do not expire
	 */
	default @Nullable Instant expiresAt(Principal principal) {
		return CredentialExpiry.of(principal);
	}

}

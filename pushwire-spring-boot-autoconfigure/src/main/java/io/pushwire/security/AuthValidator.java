package io.pushwire.security;

import java.security.Principal;

import reactor.core.publisher.Mono;

/**
 * Turns what a client presented into a principal (PROTOCOL.md §7). An empty result or an error means
 * the client is not authenticated: WebSocket clients are closed with 4001, HTTP requests get 401.
 * <p>
 * With Spring Security, the default validator authenticates {@code auth.token} through the
 * application's JWT decoder or {@code ReactiveAuthenticationManager} like a bearer header, and
 * otherwise honours the principal that the security filter chain authenticated on the request.
 * Declare a bean to authenticate otherwise (custom tokens, no Spring Security).
 */
@FunctionalInterface
public interface AuthValidator {

	/**
	 * Authenticate a client.
	 * @param request what the client presented
	 * @return the principal, or empty when the client is not authenticated
	 */
	Mono<Principal> authenticate(AuthRequest request);

}

package io.pushwire.security;

import java.security.Principal;

import reactor.core.publisher.Mono;

/**
 * The validator used without Spring Security's token support: it honours the principal
 * that the application authenticated on the HTTP request, and refuses tokens, since
 * nothing here can check them (declare an {@link AuthValidator} bean to accept your
 * tokens). A request principal that is an OAuth2 token authentication (a bearer header)
 * expires with its token ({@link #expiresAt}).
 *
 * @since 0.1.0
 */
public final class RequestPrincipalAuthValidator implements AuthValidator {

	@Override
	public Mono<Principal> authenticate(AuthRequest request) {
		if (request.token() != null) {
			return Mono.error(new IllegalStateException(
					"No token authentication is configured: declare an AuthValidator bean or a ReactiveJwtDecoder"));
		}
		Principal principal = request.requestPrincipal();
		if (principal == null || AnonymousPrincipal.isAnonymous(principal)) {
			return Mono.empty();
		}
		return Mono.just(principal);
	}

}

package io.pushwire.security;

import java.security.Principal;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import reactor.core.publisher.Mono;

/**
 * An {@link AuthValidator} backed by Spring Security.
 * <p>
 * A token (from {@code auth.token} or the {@code token} query parameter) is authenticated
 * like a bearer header: wrapped in a {@code BearerTokenAuthenticationToken} and passed to
 * a {@link ReactiveAuthenticationManager}, typically a
 * {@code JwtReactiveAuthenticationManager} over the application's JWT decoder. When a
 * token is given, only the token counts: a token that fails never falls back to the
 * principal of the HTTP request, so a client cannot mask a bad token with a session
 * cookie. Without a token, the principal that the application's security filter chain
 * authenticated on the HTTP request is honoured, unless it is anonymous.
 * <p>
 * A connection lasts as long as its token: {@link #expiresAt} gives a
 * {@code JwtAuthenticationToken}'s {@code exp} (the token's own, not extended by the
 * decoder's clock skew), whether the JWT came as a token or as the request's bearer
 * header.
 * <p>
 * The token itself is never logged.
 *
 * @since 0.1.0
 */
public final class SpringSecurityAuthValidator implements AuthValidator {

	private static final Log logger = LogFactory.getLog(SpringSecurityAuthValidator.class);

	private static final String BEARER_TOKEN_CLASS = "org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken";

	private final @Nullable ReactiveAuthenticationManager tokenAuthenticationManager;

	/**
	 * Create a validator that honours only the principal of the HTTP request; a token
	 * always fails authentication.
	 */
	public SpringSecurityAuthValidator() {
		this.tokenAuthenticationManager = null;
	}

	/**
	 * Create a validator that authenticates tokens through a manager and otherwise
	 * honours the principal of the HTTP request. Needs
	 * {@code spring-security-oauth2-resource-server}.
	 * @param tokenAuthenticationManager authenticates a
	 * {@code BearerTokenAuthenticationToken}
	 */
	public SpringSecurityAuthValidator(ReactiveAuthenticationManager tokenAuthenticationManager) {
		Assert.notNull(tokenAuthenticationManager, "'tokenAuthenticationManager' must not be null");
		Assert.state(ClassUtils.isPresent(BEARER_TOKEN_CLASS, getClass().getClassLoader()),
				"Token authentication needs spring-security-oauth2-resource-server on the class path");
		this.tokenAuthenticationManager = tokenAuthenticationManager;
	}

	@Override
	public Mono<Principal> authenticate(AuthRequest request) {
		String token = request.token();
		if (token != null) {
			return authenticateToken(token);
		}
		return Mono.justOrEmpty(authenticatedPrincipal(request.requestPrincipal()));
	}

	private Mono<Principal> authenticateToken(String token) {
		ReactiveAuthenticationManager manager = this.tokenAuthenticationManager;
		if (manager == null) {
			logger.debug("Refusing a client token: no token authentication is configured (define a "
					+ "ReactiveJwtDecoder or ReactiveAuthenticationManager bean)");
			return Mono.empty();
		}
		return manager.authenticate(BearerTokens.authentication(token))
			.filter(Authentication::isAuthenticated)
			.<Principal>map((authentication) -> authentication)
			.onErrorResume(SpringSecurityAuthValidator::isBadCredentials, (ex) -> {
				// The exception's message describes the failure, never the token.
				if (logger.isDebugEnabled()) {
					logger.debug("Client token was not authenticated: " + ex.getMessage());
				}
				return Mono.empty();
			});
	}

	private static boolean isBadCredentials(Throwable ex) {
		// A service failure (an unreachable JWK set, say) stays an error for the caller
		// to report
		return ex instanceof AuthenticationException && !(ex instanceof AuthenticationServiceException);
	}

	private static @Nullable Principal authenticatedPrincipal(@Nullable Principal principal) {
		if (principal == null || AnonymousPrincipal.isAnonymous(principal)) {
			return null;
		}
		if (principal instanceof Authentication authentication && !authentication.isAuthenticated()) {
			return null;
		}
		return principal;
	}

	/**
	 * Kept in its own class so that the validator loads without the resource server
	 * module.
	 */
	private static final class BearerTokens {

		static Authentication authentication(String token) {
			return new org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken(
					token);
		}

	}

}

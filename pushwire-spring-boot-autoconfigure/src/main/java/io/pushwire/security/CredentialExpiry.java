package io.pushwire.security;

import java.security.Principal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Reads the expiry of a principal's credentials, through Spring Security's OAuth2
 * resource server where it is on the class path.
 */
final class CredentialExpiry {

	private static final boolean OAUTH2_TOKENS_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken",
			CredentialExpiry.class.getClassLoader());

	private CredentialExpiry() {
	}

	static @Nullable Instant of(Principal principal) {
		if (ConnectionPrincipals.isCompact(principal)) {
			return ConnectionPrincipals.expiresAt(principal);
		}
		return OAUTH2_TOKENS_PRESENT ? OAuth2Tokens.expiresAt(principal) : null;
	}

	/**
	 * Kept in its own class so that it loads only when the resource server module is
	 * present.
	 */
	private static final class OAuth2Tokens {

		static @Nullable Instant expiresAt(Principal principal) {
			// The token's own expiry (a JWT's exp): a decoder's clock-skew allowance
			// admits a token
			// late but is no part of it, so it never lengthens a connection.
			if (principal instanceof org.springframework.security.oauth2.server.resource.authentication.AbstractOAuth2TokenAuthenticationToken<?> authentication) {
				return authentication.getToken().getExpiresAt();
			}
			return null;
		}

	}

}

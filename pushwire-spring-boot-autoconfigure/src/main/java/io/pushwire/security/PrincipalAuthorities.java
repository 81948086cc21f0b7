package io.pushwire.security;

import java.security.Principal;

import org.springframework.util.ClassUtils;

/**
 * Reads roles from a principal, through Spring Security where it is on the class path.
 */
final class PrincipalAuthorities {

	private static final boolean SPRING_SECURITY_PRESENT = ClassUtils
		.isPresent("org.springframework.security.core.Authentication", PrincipalAuthorities.class.getClassLoader());

	private PrincipalAuthorities() {
	}

	static boolean hasRole(Principal principal, String role) {
		return SPRING_SECURITY_PRESENT && SpringSecurityAuthorities.hasRole(principal, role);
	}

	static boolean isSpringAnonymous(Principal principal) {
		return SPRING_SECURITY_PRESENT && SpringSecurityAuthorities.isAnonymous(principal);
	}

	/** Kept in its own class so that it loads only when Spring Security is present. */
	private static final class SpringSecurityAuthorities {

		static boolean hasRole(Principal principal, String role) {
			if (principal instanceof org.springframework.security.core.Authentication authentication) {
				String prefixed = "ROLE_" + role;
				return authentication.getAuthorities()
					.stream()
					.anyMatch((authority) -> prefixed.equals(authority.getAuthority())
							|| role.equals(authority.getAuthority()));
			}
			return false;
		}

		static boolean isAnonymous(Principal principal) {
			return principal instanceof org.springframework.security.authentication.AnonymousAuthenticationToken;
		}

	}

}

package io.pushwire.security;

import java.security.Principal;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Reduces an authenticated principal to what a push connection keeps for its life
 * (PROTOCOL.md §7): Spring Security's own authentication types become a
 * {@link CompactAuthentication} (name, authorities, expiry), so that the {@code Jwt}, the
 * user details and the request's details are not held by every connection. Anonymous
 * principals and principals of the application's own types are kept as they are: an
 * application that returns its own type from an {@link AuthValidator} chose what it
 * holds.
 *
 * @since 0.1.0
 */
public final class ConnectionPrincipals {

	private static final boolean SPRING_SECURITY_PRESENT = ClassUtils
		.isPresent("org.springframework.security.core.Authentication", ConnectionPrincipals.class.getClassLoader());

	private ConnectionPrincipals() {
	}

	/**
	 * The principal a connection keeps.
	 * @param principal an authenticated principal
	 * @param expiresAt when its credentials expire, as the {@link AuthValidator} read it
	 * from the full principal, or {@code null}
	 * @return a {@link CompactAuthentication} for a Spring Security authentication, the
	 * principal itself otherwise
	 */
	public static Principal compact(Principal principal, @Nullable Instant expiresAt) {
		return SPRING_SECURITY_PRESENT ? SpringSecurity.compact(principal, expiresAt) : principal;
	}

	/**
	 * Whether a principal was compacted, so that its expiry is its own.
	 * @param principal a principal
	 * @return {@code true} for a {@link CompactAuthentication}
	 */
	public static boolean isCompact(Principal principal) {
		return SPRING_SECURITY_PRESENT && SpringSecurity.isCompact(principal);
	}

	/**
	 * The expiry a compacted principal carries.
	 * @param principal a principal
	 * @return the expiry of a {@link CompactAuthentication}, {@code null} otherwise
	 */
	public static @Nullable Instant expiresAt(Principal principal) {
		return SPRING_SECURITY_PRESENT ? SpringSecurity.expiresAt(principal) : null;
	}

	/** Kept in its own class so that it loads only when Spring Security is present. */
	private static final class SpringSecurity {

		private static final String SPRING_SECURITY_PACKAGE = "org.springframework.security.";

		static Principal compact(Principal principal, @Nullable Instant expiresAt) {
			if (principal instanceof org.springframework.security.core.Authentication authentication
					&& !(principal instanceof CompactAuthentication)
					&& !(principal instanceof org.springframework.security.authentication.AnonymousAuthenticationToken)
					&& principal.getClass().getName().startsWith(SPRING_SECURITY_PACKAGE)) {
				return new CompactAuthentication(authentication.getName(), authentication.getAuthorities(), expiresAt);
			}
			return principal;
		}

		static boolean isCompact(Principal principal) {
			return principal instanceof CompactAuthentication;
		}

		static @Nullable Instant expiresAt(Principal principal) {
			return (principal instanceof CompactAuthentication compact) ? compact.getExpiresAt() : null;
		}

	}

}

package io.pushwire.security;

import java.security.Principal;

/**
 * The principal of a client admitted without credentials (only where anonymous access is
 * configured). Its name is made of the client id, which other clients see in frames, so
 * the name alone proves nothing: a session created by an anonymous principal also has a
 * secret, handed to the client in its first {@code auth_ok} and required whenever the
 * client id is used again (PROTOCOL.md §7).
 *
 * @param name the principal's name: {@link #PREFIX} followed by the client id
 * @since 0.1.0
 */
public record AnonymousPrincipal(String name) implements Principal {

	/** The prefix of every anonymous principal's name. */
	public static final String PREFIX = "anonymous:";

	/**
	 * The anonymous principal of a client.
	 * @param clientId the client id
	 * @return the principal
	 */
	public static AnonymousPrincipal forClient(String clientId) {
		return new AnonymousPrincipal(PREFIX + clientId);
	}

	/**
	 * Whether a principal is anonymous.
	 * @param principal the principal
	 * @return {@code true} for an {@link AnonymousPrincipal} or Spring Security's
	 * anonymous token
	 */
	public static boolean isAnonymous(Principal principal) {
		return principal instanceof AnonymousPrincipal || PrincipalAuthorities.isSpringAnonymous(principal);
	}

	@Override
	public String getName() {
		return this.name;
	}

}

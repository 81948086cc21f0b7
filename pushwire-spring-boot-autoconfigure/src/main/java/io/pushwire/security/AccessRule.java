package io.pushwire.security;

import java.security.Principal;

import io.pushwire.core.ChannelName;

/**
 * A declarative rule for who may subscribe to or publish on a channel kind, written in
 * configuration as {@code authenticated}, {@code anonymous} (anyone, signed in or not),
 * {@code none}, {@code owner} (the topic equals the principal's name) or
 * {@code role:NAME}.
 *
 * @since 0.1.0
 */
public sealed interface AccessRule {

	/** Any authenticated principal. */
	AccessRule AUTHENTICATED = new Authenticated();

	/** Anyone, including anonymous clients where anonymous access is enabled. */
	AccessRule ANONYMOUS = new Anyone();

	/** Nobody. */
	AccessRule NONE = new Nobody();

	/** An authenticated principal whose name equals the channel's topic. */
	AccessRule OWNER = new Owner();

	/**
	 * Whether the rule lets a principal use a channel.
	 * @param principal the principal
	 * @param channel the channel
	 * @return {@code true} when allowed
	 */
	boolean allows(Principal principal, ChannelName channel);

	/**
	 * Parse a rule as written in configuration.
	 * @param text the rule
	 * @return the rule
	 * @throws IllegalArgumentException naming the accepted forms when the text is none of
	 * them
	 */
	static AccessRule parse(String text) {
		String value = text.trim();
		switch (value) {
			case "authenticated":
				return AUTHENTICATED;
			case "anonymous":
			case "permit-all":
				return ANONYMOUS;
			case "none":
			case "deny-all":
				return NONE;
			case "owner":
				return OWNER;
			default:
				if (value.startsWith("role:") && value.length() > 5) {
					return new Role(value.substring(5));
				}
				throw new IllegalArgumentException(
						"Unknown access rule '" + text + "': use authenticated, anonymous, none, owner or role:NAME");
		}
	}

	/** Any authenticated principal. */
	record Authenticated() implements AccessRule {

		@Override
		public boolean allows(Principal principal, ChannelName channel) {
			return !AnonymousPrincipal.isAnonymous(principal);
		}

		@Override
		public String toString() {
			return "authenticated";
		}

	}

	/** Anyone. */
	record Anyone() implements AccessRule {

		@Override
		public boolean allows(Principal principal, ChannelName channel) {
			return true;
		}

		@Override
		public String toString() {
			return "anonymous";
		}

	}

	/** Nobody. */
	record Nobody() implements AccessRule {

		@Override
		public boolean allows(Principal principal, ChannelName channel) {
			return false;
		}

		@Override
		public String toString() {
			return "none";
		}

	}

	/** The topic names the principal. */
	record Owner() implements AccessRule {

		@Override
		public boolean allows(Principal principal, ChannelName channel) {
			return !AnonymousPrincipal.isAnonymous(principal) && principal.getName().equals(channel.topic());
		}

		@Override
		public String toString() {
			return "owner";
		}

	}

	/**
	 * The principal has a role ({@code ROLE_NAME} or {@code NAME} authority in Spring
	 * Security).
	 *
	 * @param role the role's name, without {@code ROLE_}
	 */
	record Role(String role) implements AccessRule {

		@Override
		public boolean allows(Principal principal, ChannelName channel) {
			return !AnonymousPrincipal.isAnonymous(principal) && PrincipalAuthorities.hasRole(principal, this.role);
		}

		@Override
		public String toString() {
			return "role:" + this.role;
		}

	}

}

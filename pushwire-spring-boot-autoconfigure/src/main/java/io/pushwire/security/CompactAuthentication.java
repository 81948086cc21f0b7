package io.pushwire.security;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * What a push connection keeps of a Spring Security authentication for its life: the
 * principal's name, its authorities and when its credentials expire. A
 * {@code JwtAuthenticationToken} holds the {@code Jwt} (the token string, its headers and
 * claims maps), a {@code UsernamePasswordAuthenticationToken} the user details and
 * request details; a connection needs none of them once it is authenticated, and kept for
 * every idle connection they cost kilobytes each (see {@code docs/security.md}).
 * <p>
 * It is an {@link Authentication}, authenticated and immutable, without credentials or
 * details, so that role checks, {@link io.pushwire.server.channel.ChannelAuthorizer}s and
 * handler parameters of type {@code Authentication} work as before. A handler parameter
 * of a narrower Spring Security type (such as {@code JwtAuthenticationToken}) no longer
 * matches; an application that needs claims on a connection returns its own principal
 * type from an {@link AuthValidator}, which is kept as it is.
 *
 * @since 0.1.0
 * @see ConnectionPrincipals
 */
public final class CompactAuthentication implements Authentication {

	private static final long serialVersionUID = 1L;

	private final String name;

	private final List<GrantedAuthority> authorities;

	private final @Nullable Instant expiresAt;

	/**
	 * Create an authentication.
	 * @param name the principal's name
	 * @param authorities the principal's authorities
	 * @param expiresAt when the credentials expire, or {@code null} when they do not
	 */
	public CompactAuthentication(String name, Collection<? extends GrantedAuthority> authorities,
			@Nullable Instant expiresAt) {
		this.name = name;
		this.authorities = List.copyOf(authorities);
		this.expiresAt = expiresAt;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Collection<? extends GrantedAuthority> getAuthorities() {
		return this.authorities;
	}

	/**
	 * When the credentials that authenticated the principal expire.
	 * @return the expiry, or {@code null} when they do not expire
	 */
	public @Nullable Instant getExpiresAt() {
		return this.expiresAt;
	}

	/**
	 * None: the credentials are not kept.
	 * @return {@code null}
	 */
	@Override
	public @Nullable Object getCredentials() {
		return null;
	}

	/**
	 * None: the request's details are not kept.
	 * @return {@code null}
	 */
	@Override
	public @Nullable Object getDetails() {
		return null;
	}

	/**
	 * The principal's name.
	 * @return the name
	 */
	@Override
	public Object getPrincipal() {
		return this.name;
	}

	@Override
	public boolean isAuthenticated() {
		return true;
	}

	@Override
	public void setAuthenticated(boolean authenticated) {
		throw new IllegalArgumentException("A push connection's authentication cannot be changed");
	}

	@Override
	public String toString() {
		return "CompactAuthentication[name=" + this.name + ", authorities=" + this.authorities + ", expiresAt="
				+ this.expiresAt + "]";
	}

}

package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Mono;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.security.AnonymousPrincipal;
import io.pushwire.security.AuthRequest;
import io.pushwire.security.AuthValidator;
import io.pushwire.security.ConnectionPrincipals;

/**
 * Authenticates push clients with the application's {@link AuthValidator}: at the
 * handshake of every transport, on the HTTP endpoints, and for a {@code refresh} op
 * (PROTOCOL.md §7, §7.1).
 *
 * @since 0.1.0
 */
public final class ClientAuthenticator {

	private static final Log logger = LogFactory.getLog(ClientAuthenticator.class);

	private final AuthValidator authValidator;

	private final boolean allowAnonymous;

	/**
	 * Create an authenticator.
	 * @param authValidator the application's validator
	 * @param allowAnonymous whether clients without credentials get an
	 * {@link AnonymousPrincipal}
	 */
	public ClientAuthenticator(AuthValidator authValidator, boolean allowAnonymous) {
		this.authValidator = authValidator;
		this.allowAnonymous = allowAnonymous;
	}

	/**
	 * Authenticate a client; anonymous clients get an {@link AnonymousPrincipal} where
	 * allowed.
	 * @param request what the client presented
	 * @param clientId the client's id (names its anonymous principal)
	 * @return the principal
	 * @throws ProtocolException (as an error signal) {@code unauthorized} when
	 * authentication fails or gives a principal without a name
	 */
	public Mono<Principal> authenticate(AuthRequest request, String clientId) {
		return Mono.defer(() -> this.authValidator.authenticate(request)).onErrorResume((ex) -> {
			logger.debug("Authentication of a push client failed", ex);
			return Mono.error(unauthorized(request));
		}).switchIfEmpty(Mono.defer(() -> {
			if (request.token() == null && this.allowAnonymous) {
				return Mono.just(AnonymousPrincipal.forClient(clientId));
			}
			return Mono.error(unauthorized(request));
		})).flatMap((principal) -> {
			// Sessions and connection limits are keyed by the name: a principal without
			// one cannot
			// own a session, and refusing it here beats failing later with a
			// NullPointerException.
			String name = principal.getName();
			if (name == null || name.isBlank()) {
				logger.warn("Refusing a push client whose principal has no name (" + principal.getClass().getName()
						+ "); the AuthValidator must return principals with a name");
				return Mono.error(new ProtocolException(ErrorCode.UNAUTHORIZED,
						"The credentials were accepted but name no principal"));
			}
			return Mono.just(compact(principal));
		});
	}

	/**
	 * When a principal's credentials expire (PROTOCOL.md §7.1), as the
	 * {@link AuthValidator} reads it.
	 * @param principal an authenticated principal
	 * @return the expiry, or {@code null} when they do not expire (anonymous clients
	 * included)
	 */
	public @Nullable Instant credentialsExpiry(Principal principal) {
		if (principal instanceof AnonymousPrincipal) {
			return null;
		}
		if (ConnectionPrincipals.isCompact(principal)) {
			return ConnectionPrincipals.expiresAt(principal);
		}
		return this.authValidator.expiresAt(principal);
	}

	/**
	 * What a connection keeps of a principal for its life: a Spring Security
	 * authentication becomes a {@link io.pushwire.security.CompactAuthentication} with
	 * the expiry the validator reads from the full one, so that no connection holds a
	 * {@code Jwt} or user details.
	 * @param principal the validator's principal
	 * @return the principal to keep
	 */
	private Principal compact(Principal principal) {
		if (principal instanceof AnonymousPrincipal) {
			return principal;
		}
		return ConnectionPrincipals.compact(principal, this.authValidator.expiresAt(principal));
	}

	/**
	 * Authenticate the token of a {@code refresh} op (PROTOCOL.md §7.1): the token alone
	 * counts, never the connection's request principal nor anonymous access.
	 * @param token the new token
	 * @param current the connection's principal
	 * @return the new principal, of the same name as the current one
	 * @throws ProtocolException (as an error signal) {@code unauthorized} when the token
	 * is not valid, {@code forbidden} when it belongs to another principal
	 */
	public Mono<Principal> reauthenticate(String token, Principal current) {
		AuthRequest request = new AuthRequest(token, null, HttpHeaders.EMPTY, null);
		return Mono.defer(() -> this.authValidator.authenticate(request)).onErrorResume((ex) -> {
			logger.debug("Authentication of a push client's refresh failed", ex);
			return Mono.empty();
		})
			.switchIfEmpty(Mono.error(() -> new ProtocolException(ErrorCode.UNAUTHORIZED,
					"The refresh token was not accepted; the current credentials stay in force until they expire")))
			.map((principal) -> {
				if (AnonymousPrincipal.isAnonymous(principal) || !principal.getName().equals(current.getName())) {
					throw new ProtocolException(ErrorCode.FORBIDDEN, "The refresh token belongs to another principal; "
							+ "the current credentials stay in force until they expire");
				}
				return compact(principal);
			});
	}

	private static ProtocolException unauthorized(AuthRequest request) {
		return new ProtocolException(ErrorCode.UNAUTHORIZED, (request.token() != null) ? "The token was not accepted"
				: "Authentication required: send a token in auth or credentials on the request");
	}

}

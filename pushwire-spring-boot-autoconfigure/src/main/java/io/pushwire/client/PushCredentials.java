package io.pushwire.client;

import reactor.core.publisher.Mono;

/**
 * Supplies the bearer token of a {@link PushClient}, asked again on every connection
 * attempt and before every {@code refresh} (PROTOCOL.md §7.1), so that a token that
 * expires is replaced. Declare one as a bean to override {@code pushwire.client.token}.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface PushCredentials {

	/**
	 * The token to present now.
	 * @return the token, or an empty {@code Mono} to connect without one
	 */
	Mono<String> token();

	/**
	 * Credentials that always present the same token.
	 * @param token the token
	 * @return the credentials
	 */
	static PushCredentials of(String token) {
		return () -> Mono.just(token);
	}

	/**
	 * No token.
	 * @return the credentials
	 */
	static PushCredentials none() {
		return Mono::empty;
	}

}

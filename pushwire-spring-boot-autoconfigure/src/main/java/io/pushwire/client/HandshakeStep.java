package io.pushwire.client;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Mono;

/**
 * An application-level step after {@code auth_ok} on every connection and reconnection
 * (announce the client, subscribe what depends on the server's answer, fetch a snapshot).
 * Steps run in the order they were added, each within its timeout; {@code connect()}
 * completes and queued frames are flushed only after the last one. A step that fails or
 * times out ends the connection, which is then retried like any lost connection.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface HandshakeStep {

	/**
	 * Perform the step.
	 * @param context the connection
	 * @return completes when done
	 */
	Mono<Void> perform(Context context);

	/**
	 * How long the step may take.
	 * @return the timeout, 10 s by default
	 */
	default Duration timeout() {
		return Duration.ofSeconds(10);
	}

	/**
	 * The connection a step runs on.
	 */
	interface Context {

		/**
		 * The client id the server confirmed.
		 * @return the id
		 */
		String clientId();

		/**
		 * The transport.
		 * @return {@code websocket} or {@code sse}
		 */
		String transport();

		/**
		 * What the server supports ({@code auth_ok.features}).
		 * @return the features
		 */
		List<String> features();

		/**
		 * Whether this is a reconnection.
		 * @return {@code true} after the first connection
		 */
		boolean reconnected();

		/**
		 * Send a frame now, ahead of the send queue.
		 * @param channel the channel
		 * @param payload the payload
		 * @return completes when written
		 */
		Mono<Void> send(String channel, Object payload);

	}

}

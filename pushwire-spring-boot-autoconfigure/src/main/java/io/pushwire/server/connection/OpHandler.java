package io.pushwire.server.connection;

import reactor.core.publisher.Mono;

import io.pushwire.core.PushMessage;

/**
 * Handles one type of message that authenticated clients send (a {@code subscribe}, an
 * {@code ack}, a frame...). Handlers are node-wide: one instance serves every connection,
 * which it is given. Relay and WebRTC signaling plug in here as handlers of their ops.
 *
 * @param <T> the type of message
 */
@FunctionalInterface
interface OpHandler<T extends PushMessage> {

	/**
	 * Handle a message.
	 * @param connection the connection it came on, authenticated
	 * @param message the message
	 * @return completes when handled; a {@link io.pushwire.core.ProtocolException}
	 * (thrown or as an error signal) becomes an {@code error} op for the client
	 */
	Mono<Void> handle(ClientConnection connection, T message);

}

package io.pushwire.client;

import reactor.core.publisher.Mono;

import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;

/**
 * One live connection of a transport.
 */
interface Link {

	/**
	 * The transport's name.
	 * @return {@code websocket} or {@code sse}
	 */
	String transport();

	/**
	 * Write a frame or an op; over SSE frames and acks go over HTTP and ops that need a
	 * socket fail.
	 * @param message the message
	 * @return completes when written
	 */
	Mono<Void> write(PushMessage message);

	/**
	 * Write raw JSON text (ops the shared model does not carry yet).
	 * @param json the op
	 * @return completes when written
	 */
	Mono<Void> writeRaw(String json);

	/**
	 * Whether ops (subscribe, refresh, presence) can be sent; {@code false} for SSE,
	 * where they mean a new stream.
	 * @return {@code true} over WebSocket
	 */
	boolean duplex();

	/**
	 * Close on purpose.
	 * @param code the close code
	 * @param reason the reason
	 */
	void close(int code, String reason);

	/**
	 * What a transport asks of the client for one connection.
	 */
	interface Handler {

		/**
		 * The {@code auth} for this connection (over SSE it becomes the query).
		 * @return the op
		 */
		SystemOp.Auth auth();

		/**
		 * The connection is open; {@code auth} is being sent.
		 * @param link the link
		 */
		void opened(Link link);

		/**
		 * A message arrived; the next is read when the returned {@code Mono} completes.
		 * @param text the JSON text
		 * @return completes when handled
		 */
		Mono<Void> onMessage(String text);

		/**
		 * A message a binary transport decoded; the next is read when the returned
		 * {@code Mono} completes.
		 * @param message the frame or op
		 * @return completes when handled
		 */
		Mono<Void> onMessage(PushMessage message);

		/**
		 * A message from the server that could not be read and was dropped (the
		 * connection stays open).
		 * @param reason what was wrong
		 */
		void onBadMessage(String reason);

		/**
		 * The silence after which the connection counts as dead: the handshake timeout
		 * before {@code auth_ok}, {@code heartbeat_ms} + grace after it.
		 * @return the duration
		 */
		java.time.Duration silenceLimit();

	}

}

package io.pushwire.client;

/**
 * Which transports a {@link PushClient} uses and in which order.
 *
 * @since 0.2.0
 */
public enum TransportPreference {

	/** WebSocket, falling back to SSE when the WebSocket cannot be established. */
	WS_FIRST,

	/** SSE, falling back to WebSocket when the stream cannot be established. */
	SSE_FIRST,

	/** WebSocket only. */
	WS_ONLY,

	/** SSE only (server to client; sends and acks go over HTTP). */
	SSE_ONLY

}

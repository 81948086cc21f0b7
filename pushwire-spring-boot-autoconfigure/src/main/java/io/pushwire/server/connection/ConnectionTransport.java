package io.pushwire.server.connection;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.CloseReason;
import io.pushwire.core.WireFormat;

/**
 * What a {@link ClientConnection} needs from the transport that carries it.
 *
 * @since 0.1.0
 */
public interface ConnectionTransport {

	/**
	 * The transport's name, a low-cardinality tag: {@code websocket} or {@code sse}.
	 * @return the name
	 */
	String name();

	/**
	 * The wire format the connection's messages are encoded in, chosen by the transport
	 * (a WebSocket client may negotiate one; SSE is always JSON).
	 * @return the format, or {@code null} for the server's JSON codec
	 */
	default @Nullable WireFormat format() {
		return null;
	}

	/**
	 * Send a heartbeat: a {@code ping} op on WebSocket, a comment on SSE.
	 * @param connection the connection
	 */
	void heartbeat(ClientConnection connection);

	/**
	 * Whether the peer can talk back on this transport, so that its silence means it is
	 * gone (WebSocket). A one-way stream (SSE) is only ever closed by failing writes.
	 * @return {@code true} when silence past the heartbeat grace closes the connection
	 */
	default boolean expectsInbound() {
		return true;
	}

	/**
	 * Drop the underlying connection now, without waiting for the peer: used when a
	 * closing connection did not finish writing its goodbye in time.
	 * @param reason why the connection closes
	 */
	void abort(CloseReason reason);

}

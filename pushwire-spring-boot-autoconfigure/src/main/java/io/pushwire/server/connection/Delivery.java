package io.pushwire.server.connection;

import org.jspecify.annotations.Nullable;

import io.pushwire.server.stream.StoredFrame;

/**
 * One message for a transport to write: its encoding in the connection's wire format
 * (shared, never to be modified), whether that is a binary or a text message, and, for a
 * stored frame, the frame itself (the SSE transport needs its position for the resume
 * token).
 *
 * @param bytes the message's encoding: UTF-8 JSON for a text message
 * @param frame the stored frame, or {@code null} for ops and transient frames
 * @param op whether the message is a system op (or a heartbeat)
 * @param binary whether the message is written as a binary WebSocket message rather than
 * a text one
 * @since 0.1.0
 */
public record Delivery(byte[] bytes, @Nullable StoredFrame frame, boolean op, boolean binary) {

	private static final byte[] NO_BYTES = new byte[0];

	private static final Delivery HEARTBEAT = new Delivery(NO_BYTES, null, true, false);

	/**
	 * A heartbeat for transports whose keep-alive is not a protocol message (an SSE
	 * comment).
	 * @return the delivery
	 */
	public static Delivery heartbeat() {
		return HEARTBEAT;
	}

	/**
	 * Whether this is a heartbeat rather than a message.
	 * @return {@code true} for {@link #heartbeat()}
	 */
	public boolean isHeartbeat() {
		return this.bytes.length == 0;
	}

}

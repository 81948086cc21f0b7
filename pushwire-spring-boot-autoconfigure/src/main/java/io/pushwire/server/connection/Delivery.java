package io.pushwire.server.connection;

import io.pushwire.server.stream.StoredFrame;
import org.jspecify.annotations.Nullable;

/**
 * One message for a transport to write: its JSON encoding (shared, never to be modified) and, for a
 * stored frame, the frame itself (the SSE transport needs its position for the resume token).
 *
 * @param json the message's JSON encoding in UTF-8
 * @param frame the stored frame, or {@code null} for ops and transient frames
 * @param op whether the message is a system op (or a heartbeat)
 */
public record Delivery(byte[] json, @Nullable StoredFrame frame, boolean op) {

	private static final byte[] NO_JSON = new byte[0];

	/**
	 * A heartbeat for transports whose keep-alive is not a protocol message (an SSE comment).
	 * @return the delivery
	 */
	public static Delivery heartbeat() {
		return new Delivery(NO_JSON, null, true);
	}

	/**
	 * Whether this is a heartbeat rather than a message.
	 * @return {@code true} for {@link #heartbeat()}
	 */
	public boolean isHeartbeat() {
		return this.json.length == 0;
	}

}

package io.pushwire.core;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * A frame on a channel (PROTOCOL.md §3.1).
 *
 * @param channel the channel name
 * @param cursor the cursor the server gave the frame, or {@code null} for a frame a
 * client sends and for transient frames
 * @param payload the application's content, opaque to the protocol
 * @param clientId on delivery, the client on whose behalf the frame was published
 * @since 0.1.0
 */
public record Frame(String channel, @Nullable Long cursor, JsonNode payload,
		@Nullable String clientId) implements PushMessage {

	/**
	 * Create a frame, turning a {@code null} payload into JSON {@code null}.
	 */
	public Frame {
		payload = (payload != null) ? payload : NullNode.getInstance();
	}

	/**
	 * A frame without cursor or client id, as a client sends it.
	 * @param channel the channel
	 * @param payload the payload
	 * @return the frame
	 */
	public static Frame of(String channel, JsonNode payload) {
		return new Frame(channel, null, payload, null);
	}

}

package io.pushwire.server.stream;

import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A frame stored in a channel's stream. Its JSON encoding is made once, on first delivery, and shared
 * by every connection it is delivered to.
 */
public final class StoredFrame {

	private final String channel;

	private final long cursor;

	private final String epoch;

	private final JsonNode payload;

	private final @Nullable String clientId;

	private final long storedAtMillis;

	private volatile byte @Nullable [] json;

	/**
	 * Create a stored frame.
	 * @param channel the channel
	 * @param cursor the cursor
	 * @param epoch the stream's epoch
	 * @param payload the payload
	 * @param clientId the publishing client, or {@code null}
	 * @param storedAtMillis when it was stored
	 */
	public StoredFrame(String channel, long cursor, String epoch, JsonNode payload, @Nullable String clientId,
			long storedAtMillis) {
		this.channel = channel;
		this.cursor = cursor;
		this.epoch = epoch;
		this.payload = payload;
		this.clientId = clientId;
		this.storedAtMillis = storedAtMillis;
	}

	/**
	 * The channel.
	 * @return the channel name
	 */
	public String channel() {
		return this.channel;
	}

	/**
	 * The cursor.
	 * @return the cursor
	 */
	public long cursor() {
		return this.cursor;
	}

	/**
	 * The epoch of the stream that holds the frame.
	 * @return the epoch
	 */
	public String epoch() {
		return this.epoch;
	}

	/**
	 * The payload.
	 * @return the payload
	 */
	public JsonNode payload() {
		return this.payload;
	}

	/**
	 * The publishing client.
	 * @return the client id or {@code null}
	 */
	public @Nullable String clientId() {
		return this.clientId;
	}

	/**
	 * When the frame was stored.
	 * @return epoch milliseconds
	 */
	public long storedAtMillis() {
		return this.storedAtMillis;
	}

	/**
	 * The frame as a protocol message.
	 * @return the frame
	 */
	public Frame toFrame() {
		return new Frame(this.channel, this.cursor, this.payload, this.clientId);
	}

	/**
	 * The frame's JSON encoding in UTF-8, made once and shared; callers must not modify it.
	 * @param codec the codec
	 * @return the bytes
	 */
	public byte[] json(ProtocolCodec codec) {
		byte[] bytes = this.json;
		if (bytes == null) {
			bytes = codec.encodeToUtf8(toFrame());
			this.json = bytes;
		}
		return bytes;
	}

	@Override
	public String toString() {
		return "StoredFrame[" + this.channel + "#" + this.cursor + "@" + this.epoch + "]";
	}

}

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

	private static final byte[] CURSOR_KEY = ",\"cursor\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private final String channel;

	private final long cursor;

	private final String epoch;

	private final JsonNode payload;

	private final @Nullable String clientId;

	private final long storedAtMillis;

	/**
	 * The frame's JSON without its cursor, made before the cursor was assigned; {@code null} if not
	 * made, and dropped once {@link #json} is made from it, so that a retained frame holds one encoding.
	 */
	private volatile byte @Nullable [] uncounted;

	/** The size of the JSON encoding with the cursor, 0 when not encoded up front. */
	private final int encodedSize;

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
		this.uncounted = null;
		this.encodedSize = 0;
	}

	/**
	 * Create a stored frame from its JSON without a cursor (see {@link #encodeUncounted}).
	 */
	StoredFrame(String channel, long cursor, String epoch, JsonNode payload, @Nullable String clientId,
			long storedAtMillis, byte[] uncounted) {
		this.channel = channel;
		this.cursor = cursor;
		this.epoch = epoch;
		this.payload = payload;
		this.clientId = clientId;
		this.storedAtMillis = storedAtMillis;
		this.uncounted = uncounted;
		this.encodedSize = encodedSize(uncounted.length, cursor);
	}

	/**
	 * Encode a frame without its cursor, before the cursor is assigned: a payload that cannot be encoded
	 * then fails its publish instead of every delivery, and the frame's size is known up front.
	 * @param codec the codec
	 * @param channel the channel
	 * @param payload the payload
	 * @param clientId the publishing client, or {@code null}
	 * @return the JSON, to which {@link #json} adds the cursor by copying
	 * @throws IllegalArgumentException when the payload cannot be encoded
	 */
	static byte[] encodeUncounted(ProtocolCodec codec, String channel, JsonNode payload, @Nullable String clientId) {
		byte[] json;
		try {
			json = codec.encodeToUtf8(new Frame(channel, null, payload, clientId));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("The payload of a frame on " + channel
					+ " cannot be encoded as JSON; publish a value that Jackson can write: " + ex.getMessage(), ex);
		}
		// The cursor goes right after the channel, where the codec writes it; checked, not assumed.
		int at = cursorOffset(channel);
		if (json.length <= at || json[at - 1] != '"' || (json[at] != ',' && json[at] != '}')) {
			throw new IllegalStateException("Unexpected frame encoding of " + channel);
		}
		return json;
	}

	private static int cursorOffset(String channel) {
		// {"channel":"<channel>" in ASCII: channel names never need escaping (ChannelName's grammar).
		return 12 + channel.length() + 1;
	}

	/**
	 * The size of the frame's JSON encoding, what the store counts against its retained bytes.
	 * @return the size in bytes, or 0 when the frame was not encoded up front
	 */
	int encodedSize() {
		return this.encodedSize;
	}

	/**
	 * The size of a frame's JSON encoding.
	 * @param uncountedLength the length of its encoding without a cursor
	 * @param cursor its cursor
	 * @return the size in bytes
	 */
	static int encodedSize(int uncountedLength, long cursor) {
		return uncountedLength + CURSOR_KEY.length + digits(cursor);
	}

	private static int digits(long value) {
		int digits = 1;
		for (long rest = value / 10; rest > 0; rest /= 10) {
			digits++;
		}
		return digits;
	}

	private byte[] withCursor(byte[] uncounted) {
		int at = cursorOffset(this.channel);
		byte[] number = Long.toString(this.cursor).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		byte[] json = new byte[uncounted.length + CURSOR_KEY.length + number.length];
		System.arraycopy(uncounted, 0, json, 0, at);
		System.arraycopy(CURSOR_KEY, 0, json, at, CURSOR_KEY.length);
		System.arraycopy(number, 0, json, at + CURSOR_KEY.length, number.length);
		System.arraycopy(uncounted, at, json, at + CURSOR_KEY.length + number.length, uncounted.length - at);
		return json;
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
			byte[] uncounted = this.uncounted;
			// A concurrent first delivery that finds the uncounted form already dropped encodes again:
			// the same bytes, rarely.
			bytes = (uncounted != null) ? withCursor(uncounted) : codec.encodeToUtf8(toFrame());
			this.json = bytes;
			this.uncounted = null;
		}
		return bytes;
	}

	@Override
	public String toString() {
		return "StoredFrame[" + this.channel + "#" + this.cursor + "@" + this.epoch + "]";
	}

}

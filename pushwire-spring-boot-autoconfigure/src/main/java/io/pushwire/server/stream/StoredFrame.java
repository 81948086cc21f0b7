package io.pushwire.server.stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.WireFormat;

/**
 * A frame stored in a channel's stream. It is encoded once per {@link WireFormat}, on
 * first delivery in that format, and the encoding is shared by every connection that uses
 * the format.
 * <p>
 * The JSON encoding is the frame's own: the store encodes it without a cursor before the
 * cursor is assigned, counts its size against {@code max-retained-bytes} and splices the
 * cursor in on first delivery. An encoding in another format is counted when it is made,
 * while the frame is retained ({@link #retainedBy}), and released with the frame
 * ({@link #unretain()}); when the bound leaves no room for it, it is not kept, and each
 * delivery in that format encodes the frame again. So the bytes that retained frames hold
 * never pass the bound, however many formats their connections use.
 *
 * @since 0.1.0
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
	 * The frame's JSON without its cursor, made before the cursor was assigned;
	 * {@code null} if not made, and dropped once {@link #json} is made from it, so that a
	 * retained frame holds one encoding.
	 */
	private volatile byte @Nullable [] uncounted;

	/** The size of the JSON encoding with the cursor, 0 when not encoded up front. */
	private final int encodedSize;

	private volatile byte @Nullable [] json;

	/**
	 * The encodings in formats other than JSON by {@link WireFormat#index()},
	 * {@code null} until one is made; replaced as a whole, under this frame's monitor,
	 * when one is added.
	 */
	private volatile byte @Nullable [][] others;

	/**
	 * What counts this frame's bytes while a window retains it: set before the frame is
	 * delivered, then read and cleared under this frame's monitor.
	 */
	private volatile @Nullable Retention retention;

	/**
	 * This frame as a delta against the one before it (PROTOCOL.md §8.3), {@code null}
	 * until a connection that asked for deltas gets it; its encodings are guarded by this
	 * frame's monitor.
	 */
	private volatile @Nullable FrameDelta delta;

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
	 * Create a stored frame from its JSON without a cursor (see
	 * {@link #encodeUncounted}).
	 * @param channel the channel
	 * @param cursor the cursor
	 * @param epoch the stream's epoch
	 * @param payload the payload
	 * @param clientId the publishing client, or {@code null}
	 * @param storedAtMillis when it was stored
	 * @param uncounted the frame's JSON without a cursor
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
	 * Encode a frame without its cursor, before the cursor is assigned: a payload that
	 * cannot be encoded then fails its publish instead of every delivery, and the frame's
	 * size is known up front.
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
			throw new IllegalArgumentException(
					"The payload of a frame on " + channel
							+ " cannot be encoded as JSON; publish a value that Jackson can write: " + ex.getMessage(),
					ex);
		}
		// The cursor goes right after the channel, where the codec writes it; checked,
		// not assumed.
		int at = cursorOffset(channel);
		if (json.length <= at || json[at - 1] != '"' || (json[at] != ',' && json[at] != '}')) {
			throw new IllegalStateException("Unexpected frame encoding of " + channel);
		}
		return json;
	}

	private static int cursorOffset(String channel) {
		// {"channel":"<channel>" in ASCII: channel names never need escaping
		// (ChannelName's grammar).
		return 12 + channel.length() + 1;
	}

	/**
	 * The size of the frame's JSON encoding, what the store counts against its retained
	 * bytes.
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
	 * The frame in a format, made once and shared; callers must not modify it.
	 * @param format the format of the connection it is delivered to
	 * @return the bytes
	 */
	public byte[] encoded(WireFormat format) {
		if (format.index() == WireFormat.JSON_INDEX) {
			byte[] bytes = this.json;
			return (bytes != null) ? bytes : encodeJson(format);
		}
		return encodeOther(format);
	}

	private byte[] encodeJson(WireFormat format) {
		byte[] uncounted = this.uncounted;
		// A concurrent first delivery that finds the uncounted form already dropped
		// encodes again:
		// the same bytes, rarely.
		byte[] bytes = (uncounted != null) ? withCursor(uncounted) : format.toBytes(toFrame());
		this.json = bytes;
		this.uncounted = null;
		return bytes;
	}

	private byte[] encodeOther(WireFormat format) {
		int index = format.index();
		byte[][] table = this.others;
		byte[] bytes = (table != null) ? table[index] : null;
		if (bytes != null) {
			return bytes;
		}
		// Encoded outside the monitor: a release of the frame (under its stream's
		// monitor) never waits
		// for an encoding.
		bytes = format.toBytes(toFrame());
		synchronized (this) {
			table = this.others;
			byte[] first = (table != null) ? table[index] : null;
			if (first != null) {
				return first;
			}
			Retention counting = this.retention;
			if (counting != null && !counting.tryGrow(bytes.length)) {
				// No room within max-retained-bytes: delivered but not kept.
				return bytes;
			}
			byte[][] copy = new byte[WireFormat.MAX_INDEX + 1][];
			if (table != null) {
				System.arraycopy(table, 0, copy, 0, table.length);
			}
			copy[index] = bytes;
			this.others = copy;
		}
		return bytes;
	}

	/**
	 * The frame as a delta against the frame before it in its stream (PROTOCOL.md §8.3),
	 * in a format: made once per frame on first use, encoded once per format, and shared
	 * by every connection whose previous frame on the channel is {@code previous}.
	 * Encodings are counted while the frame is retained, as {@link #encoded} counts them.
	 * @param previous the frame the connection got before this one on the channel
	 * @param format the connection's format
	 * @param json the JSON codec whose mapper writes the payloads the delta is made on
	 * @return the bytes, or {@code null} when the frame goes in full: {@code previous} is
	 * not the frame before this one in the same epoch, the delta would be no smaller than
	 * the full frame, or {@code max-retained-bytes} leaves no room for it
	 */
	public byte @Nullable [] deltaEncoded(StoredFrame previous, WireFormat format, ProtocolCodec json) {
		if (previous.cursor != this.cursor - 1 || !previous.epoch.equals(this.epoch)) {
			return null;
		}
		int index = format.index();
		FrameDelta made = this.delta;
		byte[] bytes = (made != null) ? made.encoded(index) : null;
		if (bytes != null) {
			return FrameDelta.isFull(bytes) ? null : bytes;
		}
		// Made outside the monitor, as encodeOther does: two first uses at once both make
		// it, and the second takes the first's.
		if (made == null) {
			made = FrameDelta.between(previous, this, json);
		}
		bytes = format.toBytes(made.message());
		if (bytes.length >= encoded(format).length) {
			bytes = FrameDelta.full();
		}
		synchronized (this) {
			FrameDelta first = this.delta;
			if (first == null) {
				this.delta = made;
			}
			else {
				made = first;
			}
			byte[] encoded = made.encoded(index);
			if (encoded == null) {
				Retention counting = this.retention;
				if (counting != null && !counting.tryGrow(bytes.length)) {
					// No room within max-retained-bytes: full frames in this format.
					bytes = FrameDelta.full();
				}
				made.put(index, bytes);
				encoded = bytes;
			}
			return FrameDelta.isFull(encoded) ? null : encoded;
		}
	}

	/**
	 * A window retains this frame: encodings in other formats made from now on are
	 * counted by the retention, until {@link #unretain()}. Called before the frame is
	 * delivered, under the stream's monitor.
	 * @param retention what counts the retained bytes
	 */
	void retainedBy(Retention retention) {
		// No lock: nothing encodes the frame before it is handed to listeners or replays,
		// after this.
		this.retention = retention;
	}

	/**
	 * The window dropped this frame: release what its encodings in other formats counted.
	 * Later encodings are not counted (queues and replays in flight still hold the frame
	 * for a while).
	 * @return the bytes released
	 */
	long unretain() {
		if (this.retention == null) {
			// Released already (the window is dropped as a whole after frames left it one
			// by one).
			return 0;
		}
		synchronized (this) {
			return release();
		}
	}

	private long release() {
		Retention counting = this.retention;
		if (counting == null) {
			return 0;
		}
		this.retention = null;
		long size = 0;
		byte[][] table = this.others;
		if (table != null) {
			for (byte[] bytes : table) {
				size += (bytes != null) ? bytes.length : 0;
			}
		}
		FrameDelta made = this.delta;
		if (made != null) {
			size += made.size();
		}
		counting.release(size);
		return size;
	}

	@Override
	public String toString() {
		return "StoredFrame[" + this.channel + "#" + this.cursor + "@" + this.epoch + "]";
	}

}

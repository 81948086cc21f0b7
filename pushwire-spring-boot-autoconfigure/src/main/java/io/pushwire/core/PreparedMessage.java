package io.pushwire.core;

import org.jspecify.annotations.Nullable;

/**
 * A message sent to many connections, encoded at most once per {@link WireFormat} and
 * shared by every connection that uses that format (as Centrifugo prepares a reply once
 * per protocol). The JSON encoding is made up front, so that a message that cannot be
 * encoded fails where it is sent rather than at each delivery; the others are made on
 * first use.
 *
 * @since 0.1.0
 */
public final class PreparedMessage {

	private final PushMessage message;

	private final byte[] json;

	/**
	 * The encodings in formats other than JSON by index, replaced as a whole when one is
	 * added.
	 */
	private volatile byte @Nullable [][] others;

	private PreparedMessage(PushMessage message, byte[] json) {
		this.message = message;
		this.json = json;
	}

	/**
	 * Prepare a message, encoding it as JSON now.
	 * @param json the JSON codec
	 * @param message the message
	 * @return the prepared message
	 * @throws RuntimeException when the message cannot be encoded as JSON
	 */
	public static PreparedMessage of(ProtocolCodec json, PushMessage message) {
		return new PreparedMessage(message, json.encodeToUtf8(message));
	}

	/**
	 * Prepare a message whose JSON encoding is already made.
	 * @param message the message
	 * @param json its JSON encoding in UTF-8, which this takes over
	 * @return the prepared message
	 */
	public static PreparedMessage ofJson(PushMessage message, byte[] json) {
		return new PreparedMessage(message, json);
	}

	/**
	 * The message.
	 * @return the message
	 */
	public PushMessage message() {
		return this.message;
	}

	/**
	 * The message in a format, made once and shared; callers must not modify it.
	 * @param format the format
	 * @return the bytes
	 */
	public byte[] encoded(WireFormat format) {
		int index = format.index();
		if (index == WireFormat.JSON_INDEX) {
			return this.json;
		}
		byte[][] current = this.others;
		byte[] bytes = (current != null) ? current[index] : null;
		if (bytes == null) {
			bytes = format.toBytes(this.message);
			synchronized (this) {
				// Two first uses at once both encode; the one that comes second shares
				// the first's bytes.
				byte[][] table = this.others;
				byte[] first = (table != null) ? table[index] : null;
				if (first != null) {
					return first;
				}
				this.others = with(table, index, bytes);
			}
		}
		return bytes;
	}

	@Override
	public String toString() {
		return "PreparedMessage[" + this.message + "]";
	}

	/**
	 * A copy of a table of encodings by format index with one more: a reader sees a whole
	 * table through one volatile read, and adding to it (once per format and message)
	 * copies a few references.
	 * @param table the current table, or {@code null} when none
	 * @param index the format index of the new encoding
	 * @param bytes the new encoding
	 * @return the new table
	 */
	private static byte[][] with(byte @Nullable [][] table, int index, byte[] bytes) {
		byte[][] copy = new byte[WireFormat.MAX_INDEX + 1][];
		if (table != null) {
			System.arraycopy(table, 0, copy, 0, table.length);
		}
		copy[index] = bytes;
		return copy;
	}

}

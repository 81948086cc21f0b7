package io.pushwire.core;

/**
 * How a connection's messages are encoded on the wire: JSON in text frames today
 * ({@link ProtocolCodec}), MessagePack or CBOR in binary frames later. A connection
 * chooses one format and every message it is sent, frames and system ops, is encoded by
 * it.
 * <p>
 * A message sent to many connections (a stored frame, a transient frame, a presence
 * announcement) is encoded at most once per format and shared by every connection that
 * uses that format, which is what {@link #index()} is for: a small number, unique per
 * format, under which such a message keeps its encoding. JSON is {@value #JSON_INDEX}, so
 * that the JSON encoding is found with a field read and no lookup.
 * <p>
 * Implementations are immutable and thread-safe; one instance per format and application.
 *
 * @since 0.1.0
 */
public abstract class WireFormat {

	/** The {@link #index()} of JSON. */
	public static final int JSON_INDEX = 0;

	/**
	 * The largest {@link #index()} a format may have; a few slots are enough for the
	 * formats to come.
	 */
	public static final int MAX_INDEX = 7;

	private final String name;

	private final int index;

	private final boolean binary;

	/**
	 * Create a format.
	 * @param name the format's name, as a client asks for it ({@code json},
	 * {@code msgpack})
	 * @param index its index, unique per format, {@value #JSON_INDEX} for JSON, at most
	 * {@value #MAX_INDEX}
	 * @param binary whether its messages are binary WebSocket messages rather than text
	 * ones
	 */
	protected WireFormat(String name, int index, boolean binary) {
		if (index < 0 || index > MAX_INDEX) {
			throw new IllegalArgumentException(
					"A wire format's index must be between 0 and " + MAX_INDEX + ", not " + index + " (" + name + ")");
		}
		this.name = name;
		this.index = index;
		this.binary = binary;
	}

	/**
	 * The format's name, as a client asks for it.
	 * @return the name, such as {@code json}
	 */
	public final String name() {
		return this.name;
	}

	/**
	 * The format's index, under which a message shared by many connections keeps its
	 * encoding in this format.
	 * @return the index, {@value #JSON_INDEX} for JSON
	 */
	public final int index() {
		return this.index;
	}

	/**
	 * Whether the format's messages are binary WebSocket messages; text ones otherwise.
	 * @return {@code true} for a binary format
	 */
	public final boolean binary() {
		return this.binary;
	}

	/**
	 * Encode a message in this format. Whatever JSON can encode must be encodable here:
	 * payloads are checked against JSON when they are published, and a frame that fails
	 * in another format at delivery is lost to that connection (its client sees a gap in
	 * the cursors).
	 * @param message the message
	 * @return the bytes of one WebSocket message, never to be modified once shared
	 * @throws RuntimeException when the message cannot be encoded (a payload the format
	 * cannot represent)
	 */
	public abstract byte[] toBytes(PushMessage message);

	@Override
	public String toString() {
		return this.name;
	}

}

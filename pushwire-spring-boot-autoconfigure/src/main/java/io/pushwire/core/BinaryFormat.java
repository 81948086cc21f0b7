package io.pushwire.core;

import tools.jackson.databind.JsonNode;

/**
 * A binary wire format (PROTOCOL.md §8.1): every message is a binary WebSocket message, a
 * 9-byte header ({@code 52 50}, version 1, flags, the kind's wire id, the cursor's low 32
 * bits) and a MessagePack or CBOR body that maps to the same object as the message's
 * JSON. A body of {@value ZstdBodies#THRESHOLD} bytes or more is zstd-compressed (flag
 * bit 0). Immutable and thread-safe: one instance per format and application, like the
 * JSON codec, whose encoder and decoder rules it reuses.
 *
 * @since 0.1.0
 */
public final class BinaryFormat extends WireFormat {

	/** The {@link #index()} of MessagePack. */
	public static final int MSGPACK_INDEX = 1;

	/** The {@link #index()} of CBOR. */
	public static final int CBOR_INDEX = 2;

	/** The length of the header before the body. */
	public static final int HEADER_SIZE = 9;

	/** Flag bit 0: the body is zstd-compressed. */
	public static final int FLAG_ZSTD = 1;

	/** Flag bit 1: the message is a fragment (PROTOCOL.md §8.2). */
	public static final int FLAG_FRAGMENT = 2;

	/** The protocol version in the header. */
	public static final int VERSION = 1;

	private static final byte MAGIC_0 = 0x52;

	private static final byte MAGIC_1 = 0x50;

	private final ProtocolCodec json;

	private final BinaryBody body;

	private final WireIds wireIds;

	private final ZstdBodies zstd;

	private BinaryFormat(String name, int index, ProtocolCodec json, BinaryBody body, WireIds wireIds,
			ZstdBodies zstd) {
		super(name, index, true);
		this.json = json;
		this.body = body;
		this.wireIds = wireIds;
		this.zstd = zstd;
	}

	/**
	 * MessagePack ({@code ?format=msgpack}).
	 * @param json the JSON codec, whose rules the body follows
	 * @param wireIds the kinds' wire ids
	 * @param zstd the compression of large bodies
	 * @return the format
	 */
	public static BinaryFormat msgpack(ProtocolCodec json, WireIds wireIds, ZstdBodies zstd) {
		return new BinaryFormat("msgpack", MSGPACK_INDEX, json, new MessagePackBody(json), wireIds, zstd);
	}

	/**
	 * CBOR ({@code ?format=cbor}).
	 * @param json the JSON codec, whose rules the body follows
	 * @param wireIds the kinds' wire ids
	 * @param zstd the compression of large bodies
	 * @return the format
	 */
	public static BinaryFormat cbor(ProtocolCodec json, WireIds wireIds, ZstdBodies zstd) {
		return new BinaryFormat("cbor", CBOR_INDEX, json, new CborBody(json), wireIds, zstd);
	}

	/**
	 * The same format with other wire ids (a client that learnt them from
	 * {@code auth_ok.wire_ids}).
	 * @param wireIds the ids
	 * @return the format
	 */
	public BinaryFormat withWireIds(WireIds wireIds) {
		return new BinaryFormat(name(), index(), this.json, this.body, wireIds, this.zstd);
	}

	/**
	 * The wire ids the headers carry.
	 * @return the ids
	 */
	public WireIds wireIds() {
		return this.wireIds;
	}

	/**
	 * The compression of large bodies.
	 * @return the zstd settings
	 */
	public ZstdBodies zstd() {
		return this.zstd;
	}

	@Override
	public byte[] toBytes(PushMessage message) {
		byte[] encoded = this.body.encode(message);
		int flags = 0;
		if (encoded.length >= ZstdBodies.THRESHOLD) {
			encoded = this.zstd.compress(encoded);
			flags |= FLAG_ZSTD;
		}
		byte[] bytes = new byte[HEADER_SIZE + encoded.length];
		bytes[0] = MAGIC_0;
		bytes[1] = MAGIC_1;
		bytes[2] = VERSION;
		bytes[3] = (byte) flags;
		bytes[4] = (byte) this.wireIds.of(message);
		int sequence = (message instanceof Frame frame && frame.cursor() != null) ? (int) (long) frame.cursor()
				: (message instanceof DeltaFrame delta) ? (int) delta.cursor() : 0;
		bytes[5] = (byte) (sequence >>> 24);
		bytes[6] = (byte) (sequence >>> 16);
		bytes[7] = (byte) (sequence >>> 8);
		bytes[8] = (byte) sequence;
		System.arraycopy(encoded, 0, bytes, HEADER_SIZE, encoded.length);
		return bytes;
	}

	/**
	 * Check a binary message's header.
	 * @param message the message
	 * @throws ProtocolException {@code bad_message} for a message shorter than the
	 * header, another magic or another version
	 */
	public static void checkHeader(byte[] message) {
		if (message.length < HEADER_SIZE) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "A binary message starts with a " + HEADER_SIZE
					+ "-byte header; this one has " + message.length + " bytes");
		}
		if (message[0] != MAGIC_0 || message[1] != MAGIC_1) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "A binary message starts with the magic bytes 52 50");
		}
		if (message[2] != VERSION) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"Binary protocol version " + (message[2] & 0xff) + " is not supported; use " + VERSION);
		}
	}

	/**
	 * Whether a message whose header was checked is a fragment.
	 * @param message the message
	 * @return {@code true} when flag bit 1 is set
	 */
	public static boolean isFragment(byte[] message) {
		return (message[3] & FLAG_FRAGMENT) != 0;
	}

	/**
	 * Decode a whole (or reassembled) message that a client sent.
	 * @param message the message, header included
	 * @param maxSize the largest body allowed once inflated
	 * @return the message
	 * @throws ProtocolException {@code bad_message} for anything the protocol refuses,
	 * {@code too_large} for a body that inflates past the bound
	 */
	public PushMessage decodeFromClient(byte[] message, long maxSize) {
		PushMessage decoded = decode(message, maxSize);
		if (decoded instanceof SystemOp op && !op.sentByClient()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + op.type() + "' is only sent by servers");
		}
		return decoded;
	}

	/**
	 * Decode a whole (or reassembled) message that a server sent.
	 * @param message the message, header included
	 * @param maxSize the largest body allowed once inflated
	 * @return the message
	 * @throws ProtocolException {@code bad_message} for anything the protocol refuses,
	 * {@code too_large} for a body that inflates past the bound
	 */
	public PushMessage decodeFromServer(byte[] message, long maxSize) {
		PushMessage decoded = decode(message, maxSize);
		if (decoded instanceof SystemOp op && !op.sentByServer()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + op.type() + "' is only sent by clients");
		}
		return decoded;
	}

	/**
	 * Decode a whole (or reassembled) message in either direction.
	 * @param message the message, header included
	 * @param maxSize the largest body allowed once inflated
	 * @return the message
	 * @throws ProtocolException {@code bad_message} for anything the protocol refuses,
	 * {@code too_large} for a body that inflates past the bound
	 */
	public PushMessage decode(byte[] message, long maxSize) {
		checkHeader(message);
		if (isFragment(message)) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "A fragment must be reassembled before decoding");
		}
		byte[] bytes = message;
		int offset = HEADER_SIZE;
		int length = message.length - HEADER_SIZE;
		if ((message[3] & FLAG_ZSTD) != 0) {
			bytes = this.zstd.decompress(message, offset, length, maxSize);
			offset = 0;
			length = bytes.length;
		}
		JsonNode tree = this.body.decode(bytes, offset, length);
		return this.json.decode(tree);
	}

}

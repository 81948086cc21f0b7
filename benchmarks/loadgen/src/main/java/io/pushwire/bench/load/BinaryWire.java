package io.pushwire.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.PushMessage;
import io.pushwire.core.WireIds;
import io.pushwire.core.ZstdBodies;

/**
 * A pushwire subscriber's binary side ({@code --format msgpack} or {@code cbor},
 * PROTOCOL.md §8.1), with the library's own codec: ops written as JSON text by the
 * subscriber are sent as binary messages, and what the server sends is decoded (zstd
 * bodies included) into the frame's cursor, sequence number and send time, or into an
 * op's JSON for the subscriber's op handling. The subscriber does not announce
 * {@code fragments}, so the server never fragments. Thread-safe.
 */
final class BinaryWire {

	private static final int MAX_MESSAGE_SIZE = 1 << 20;

	private final ProtocolCodec json = new ProtocolCodec();

	private final BinaryFormat format;

	private BinaryWire(BinaryFormat format) {
		this.format = format;
	}

	/**
	 * The binary side of a format.
	 * @param format {@code json}, {@code msgpack} or {@code cbor}
	 * @return the binary side, or {@code null} for JSON
	 */
	static BinaryWire of(String format) {
		ProtocolCodec codec = new ProtocolCodec();
		return switch (format) {
			case "json" -> null;
			case "msgpack" -> new BinaryWire(BinaryFormat.msgpack(codec, WireIds.none(), ZstdBodies.plain()));
			case "cbor" -> new BinaryWire(BinaryFormat.cbor(codec, WireIds.none(), ZstdBodies.plain()));
			default -> throw new IllegalArgumentException("--format must be json, msgpack or cbor, not " + format);
		};
	}

	String name() {
		return this.format.name();
	}

	/**
	 * An op the subscriber wrote as JSON, as a binary message.
	 * @param op the op's JSON
	 * @return the binary message
	 */
	byte[] encode(String op) {
		return this.format.toBytes(this.json.decode(op));
	}

	/**
	 * Decode a binary message from the server.
	 * @param content the message
	 * @return what it is
	 */
	Received decode(ByteBuf content) {
		PushMessage message = this.format.decodeFromServer(ByteBufUtil.getBytes(content), MAX_MESSAGE_SIZE);
		if (message instanceof Frame frame) {
			long cursor = (frame.cursor() != null) ? frame.cursor() : -1;
			return new Received(null, cursor, frame.payload().path("seq").asLong(-1),
					frame.payload().path("t").asLong(-1));
		}
		return new Received(new String(this.json.encodeToUtf8(message), java.nio.charset.StandardCharsets.UTF_8), -1,
				-1, -1);
	}

	/**
	 * A decoded message.
	 *
	 * @param op the op's JSON, or {@code null} for a frame
	 * @param cursor the frame's cursor
	 * @param seq the payload's sequence number
	 * @param t the payload's send time
	 */
	record Received(String op, long cursor, long seq, long t) {
	}

}

package io.pushwire.core;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A binary wire format for tests, standing in for MessagePack or CBOR: a message is its
 * JSON after a one-byte marker, and every encoding is counted.
 */
public final class CountingBinaryFormat extends WireFormat {

	private static final ProtocolCodec JSON = new ProtocolCodec();

	private final AtomicInteger encodings = new AtomicInteger();

	/**
	 * Create a format.
	 * @param index its index
	 */
	public CountingBinaryFormat(int index) {
		super("test-binary-" + index, index, true);
	}

	@Override
	public byte[] toBytes(PushMessage message) {
		this.encodings.incrementAndGet();
		byte[] json = JSON.encodeToUtf8(message);
		byte[] bytes = new byte[json.length + 1];
		bytes[0] = (byte) index();
		System.arraycopy(json, 0, bytes, 1, json.length);
		return bytes;
	}

	/**
	 * How many messages this format encoded.
	 * @return the count
	 */
	public int encodings() {
		return this.encodings.get();
	}

	/**
	 * The JSON inside an encoding of this format.
	 * @param bytes the encoding
	 * @return the JSON
	 */
	public static String json(byte[] bytes) {
		return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
	}

}

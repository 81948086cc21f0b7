package io.pushwire.client;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.Fragments;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.WireIds;
import io.pushwire.core.ZstdBodies;

/**
 * The wire formats a client may ask for ({@code pushwire.client.format}) and their
 * checks.
 */
final class ClientFormats {

	static final String JSON = "json";

	static final String MSGPACK = "msgpack";

	static final String CBOR = "cbor";

	/** The default fragment size, as the server's. */
	static final int DEFAULT_FRAGMENT_SIZE = 64 * 1024;

	private ClientFormats() {
	}

	static String check(String format) {
		if (!JSON.equals(format) && !MSGPACK.equals(format) && !CBOR.equals(format)) {
			throw new IllegalArgumentException(
					"pushwire.client.format must be json, msgpack or cbor (lowercase), not '" + format + "'");
		}
		return format;
	}

	static int checkFragmentSize(int bytes) {
		if (bytes < Fragments.MIN_FRAGMENT_SIZE) {
			throw new IllegalArgumentException("pushwire.client.fragment-size must be at least "
					+ Fragments.MIN_FRAGMENT_SIZE + " bytes (headers and a 1 KiB piece), not " + bytes);
		}
		return bytes;
	}

	/**
	 * The binary format of a name, without wire ids yet (a connection learns them from
	 * {@code auth_ok}).
	 * @param format the checked name
	 * @param json the JSON codec whose rules the body follows
	 * @return the format, or {@code null} for JSON
	 */
	static @Nullable BinaryFormat binary(String format, ProtocolCodec json) {
		return switch (format) {
			case MSGPACK -> BinaryFormat.msgpack(json, WireIds.none(), ZstdBodies.plain());
			case CBOR -> BinaryFormat.cbor(json, WireIds.none(), ZstdBodies.plain());
			default -> null;
		};
	}

}

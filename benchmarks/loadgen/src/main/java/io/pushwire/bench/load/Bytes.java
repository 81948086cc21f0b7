package io.pushwire.bench.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * Reads numbers out of messages without decoding them: the load generator shares two cores with the
 * server, so every microsecond it spends per message is one the server does not get.
 */
final class Bytes {

	static final byte[] SEQ = key("seq");

	static final byte[] T = key("t");

	static final byte[] CURSOR = key("cursor");

	private Bytes() {
	}

	static byte[] key(String name) {
		return ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * The non-negative integer after a key, or -1 when the key is absent.
	 */
	static long longAfter(ByteBuf buf, byte[] key) {
		int start = buf.readerIndex();
		int end = buf.writerIndex() - key.length;
		outer: for (int i = start; i <= end; i++) {
			for (int k = 0; k < key.length; k++) {
				if (buf.getByte(i + k) != key[k]) {
					continue outer;
				}
			}
			long value = 0;
			boolean any = false;
			for (int j = i + key.length; j < buf.writerIndex(); j++) {
				byte b = buf.getByte(j);
				if (b < '0' || b > '9') {
					break;
				}
				value = value * 10 + (b - '0');
				any = true;
			}
			return any ? value : -1;
		}
		return -1;
	}

	static boolean startsWith(ByteBuf buf, byte[] prefix) {
		if (buf.readableBytes() < prefix.length) {
			return false;
		}
		int start = buf.readerIndex();
		for (int k = 0; k < prefix.length; k++) {
			if (buf.getByte(start + k) != prefix[k]) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The integer after a key in a string, or -1.
	 */
	static long longAfter(String text, String key) {
		int i = text.indexOf(key);
		if (i < 0) {
			return -1;
		}
		long value = 0;
		boolean any = false;
		for (int j = i + key.length(); j < text.length(); j++) {
			char c = text.charAt(j);
			if (c < '0' || c > '9') {
				break;
			}
			value = value * 10 + (c - '0');
			any = true;
		}
		return any ? value : -1;
	}

	/**
	 * The string value after a key in a string ({@code "key":"value"}), or {@code null}.
	 */
	static String stringAfter(String text, String key) {
		int i = text.indexOf(key);
		if (i < 0) {
			return null;
		}
		int open = text.indexOf('"', i + key.length());
		int close = (open < 0) ? -1 : text.indexOf('"', open + 1);
		return (close < 0) ? null : text.substring(open + 1, close);
	}

}

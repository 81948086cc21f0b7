package io.pushwire.bench.load;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * Reads numbers out of messages without decoding them: the load generator shares two
 * cores with the server, so every microsecond it spends per message is one the server
 * does not get.
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
	 * @param text the text to search
	 * @param key the key the integer follows, such as {@code "seq":}
	 * @return the non-negative integer after the first occurrence of the key, or -1
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
	 * @param text the text to search
	 * @param key the key the quoted value follows
	 * @return the value between the next pair of quotes after the key, or {@code null}
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

	/**
	 * A received message copied once into a reusable array and read left to right: each
	 * key is looked for after the previous one, so a pushwire frame ({@code cursor}, then
	 * the payload's {@code seq} and {@code t}) costs one pass, like a bare payload. One
	 * reader per thread.
	 */
	static final class Reader {

		private static final ThreadLocal<Reader> CURRENT = ThreadLocal.withInitial(Reader::new);

		private byte[] bytes = new byte[512];

		private int length;

		private int position;

		/**
		 * This thread's reader, loaded with a message.
		 * @param buf the received message, copied without moving its reader index
		 * @return this thread's reader, positioned at the start of the message
		 */
		static Reader of(ByteBuf buf) {
			Reader reader = CURRENT.get();
			int n = buf.readableBytes();
			if (reader.bytes.length < n) {
				reader.bytes = new byte[Math.max(n, 2 * reader.bytes.length)];
			}
			buf.getBytes(buf.readerIndex(), reader.bytes, 0, n);
			reader.length = n;
			reader.position = 0;
			return reader;
		}

		/**
		 * The non-negative integer after the next occurrence of a key, or -1 when the
		 * rest of the message has none (the position then stays).
		 * @param key the key's bytes, such as {@code "seq":}
		 * @return the integer after the key, or -1
		 */
		long next(byte[] key) {
			byte[] a = this.bytes;
			byte first = key[0];
			int last = this.length - key.length;
			outer: for (int i = this.position; i <= last; i++) {
				if (a[i] != first) {
					continue;
				}
				for (int k = 1; k < key.length; k++) {
					if (a[i + k] != key[k]) {
						continue outer;
					}
				}
				long value = 0;
				boolean any = false;
				int j = i + key.length;
				for (; j < this.length && a[j] >= '0' && a[j] <= '9'; j++) {
					value = value * 10 + (a[j] - '0');
					any = true;
				}
				this.position = j;
				return any ? value : -1;
			}
			return -1;
		}

	}

}

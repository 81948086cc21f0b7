package io.pushwire.core;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Fossil SCM's delta encoding
 * (https://fossil-scm.org/home/doc/tip/www/delta_format.wiki), the format of
 * {@code delta:fossil} (PROTOCOL.md §8.3). Hand-written: there is no well-kept Java
 * library for it on Maven Central, and the format is small. A delta is the target's size,
 * then copy ({@code N@O,}: N bytes of the source from offset O) and insert ({@code N:}
 * then N literal bytes) commands, then the target's checksum ({@code N;}), every number
 * in Fossil's base-64 digits, most significant first.
 * <p>
 * The encoder indexes the source in blocks of 16 bytes and finds them in the target with
 * a rolling hash, as Fossil's does; any valid delta it makes applies with any Fossil
 * decoder (the JavaScript {@code fossil-delta} package included), and this decoder
 * applies theirs. The decoder checks every command against the source and the declared
 * size, and the checksum, and never allocates more than the declared size, which the
 * caller bounds.
 *
 * @since 0.1.0
 */
public final class FossilDelta {

	private static final int NHASH = 16;

	private static final byte[] DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"
		.getBytes(java.nio.charset.StandardCharsets.US_ASCII);

	private static final int[] VALUES = new int[128];

	static {
		Arrays.fill(VALUES, -1);
		for (int i = 0; i < DIGITS.length; i++) {
			VALUES[DIGITS[i]] = i;
		}
	}

	private FossilDelta() {
	}

	/**
	 * Make the delta that turns {@code source} into {@code target}.
	 * @param source the previous bytes
	 * @param target the new bytes
	 * @return the delta
	 */
	public static byte[] create(byte[] source, byte[] target) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(target.length, 1024) + 16);
		writeInt(out, target.length);
		out.write('\n');
		if (source.length < NHASH) {
			insert(out, target, 0, target.length);
			return finish(out, target);
		}
		// Index the source's blocks: for each hash, the last block with it, and a chain
		// to the earlier ones.
		int blocks = source.length / NHASH;
		int buckets = Integer.highestOneBit(Math.max(blocks, 1)) * 2;
		int[] heads = new int[buckets];
		Arrays.fill(heads, -1);
		int[] chain = new int[blocks];
		for (int i = 0; i < blocks; i++) {
			int bucket = hash(source, i * NHASH) & (buckets - 1);
			chain[i] = heads[bucket];
			heads[bucket] = i;
		}
		int base = 0;
		int position = 0;
		while (position + NHASH <= target.length) {
			int bestLength = 0;
			int bestSource = 0;
			int bestTarget = 0;
			int bucket = hash(target, position) & (buckets - 1);
			int probes = 0;
			for (int block = heads[bucket]; block >= 0 && probes < 64; block = chain[block], probes++) {
				int from = block * NHASH;
				int forward = 0;
				while (from + forward < source.length && position + forward < target.length
						&& source[from + forward] == target[position + forward]) {
					forward++;
				}
				if (forward < NHASH) {
					continue;
				}
				int backward = 0;
				while (from - backward > 0 && position - backward > base
						&& source[from - backward - 1] == target[position - backward - 1]) {
					backward++;
				}
				if (forward + backward > bestLength) {
					bestLength = forward + backward;
					bestSource = from - backward;
					bestTarget = position - backward;
				}
			}
			if (bestLength > 0) {
				insert(out, target, base, bestTarget - base);
				writeInt(out, bestLength);
				out.write('@');
				writeInt(out, bestSource);
				out.write(',');
				base = bestTarget + bestLength;
				position = base;
			}
			else {
				position++;
			}
		}
		insert(out, target, base, target.length - base);
		return finish(out, target);
	}

	/**
	 * Apply a delta to its source.
	 * @param source the bytes the delta was made against
	 * @param delta the delta
	 * @param maxSize the largest result accepted (checked before allocating it)
	 * @return the target
	 * @throws IllegalArgumentException when the delta is malformed, does not fit the
	 * source, is larger than {@code maxSize} or fails its checksum
	 */
	public static byte[] apply(byte[] source, byte[] delta, int maxSize) {
		Reader in = new Reader(delta);
		long size = in.readInt();
		in.expect('\n');
		if (size > maxSize) {
			throw new IllegalArgumentException("The delta's result has " + size + " bytes, more than " + maxSize);
		}
		byte[] target = new byte[(int) size];
		int written = 0;
		while (in.position < delta.length) {
			long count = in.readInt();
			byte command = in.next();
			switch (command) {
				case '@' -> {
					long offset = in.readInt();
					in.expect(',');
					if (offset + count > source.length || written + count > size) {
						throw new IllegalArgumentException("A copy command reaches past the source or the result");
					}
					System.arraycopy(source, (int) offset, target, written, (int) count);
					written += (int) count;
				}
				case ':' -> {
					if (written + count > size || in.position + count > delta.length) {
						throw new IllegalArgumentException("An insert command reaches past the delta or the result");
					}
					System.arraycopy(delta, in.position, target, written, (int) count);
					in.position += (int) count;
					written += (int) count;
				}
				case ';' -> {
					if (written != size) {
						throw new IllegalArgumentException(
								"The delta made " + written + " bytes but announced " + size);
					}
					if ((count & 0xFFFFFFFFL) != (checksum(target) & 0xFFFFFFFFL)) {
						throw new IllegalArgumentException("The delta's result fails its checksum");
					}
					if (in.position != delta.length) {
						throw new IllegalArgumentException("Bytes follow the delta's checksum");
					}
					return target;
				}
				default -> throw new IllegalArgumentException("Unknown delta command '" + (char) command + "'");
			}
		}
		throw new IllegalArgumentException("The delta ends without a checksum");
	}

	private static byte[] finish(ByteArrayOutputStream out, byte[] target) {
		writeInt(out, checksum(target) & 0xFFFFFFFFL);
		out.write(';');
		return out.toByteArray();
	}

	private static void insert(ByteArrayOutputStream out, byte[] target, int from, int length) {
		if (length > 0) {
			writeInt(out, length);
			out.write(':');
			out.write(target, from, length);
		}
	}

	private static int hash(byte[] bytes, int from) {
		int h = 0;
		for (int i = 0; i < NHASH; i++) {
			h = h * 31 + bytes[from + i];
		}
		return h ^ (h >>> 16);
	}

	private static void writeInt(ByteArrayOutputStream out, long value) {
		if (value == 0) {
			out.write('0');
			return;
		}
		byte[] digits = new byte[13];
		int i = digits.length;
		long rest = value;
		while (rest > 0) {
			digits[--i] = DIGITS[(int) (rest & 63)];
			rest >>>= 6;
		}
		out.write(digits, i, digits.length - i);
	}

	/**
	 * Fossil's checksum: the sum of the bytes as big-endian 32-bit words, a short last
	 * word padded with zeros.
	 * @param bytes the bytes
	 * @return the checksum
	 */
	static int checksum(byte[] bytes) {
		int sum = 0;
		int i = 0;
		for (; i + 4 <= bytes.length; i += 4) {
			sum += ((bytes[i] & 0xFF) << 24) | ((bytes[i + 1] & 0xFF) << 16) | ((bytes[i + 2] & 0xFF) << 8)
					| (bytes[i + 3] & 0xFF);
		}
		int shift = 24;
		for (; i < bytes.length; i++, shift -= 8) {
			sum += (bytes[i] & 0xFF) << shift;
		}
		return sum;
	}

	private static final class Reader {

		private final byte[] bytes;

		private int position;

		Reader(byte[] bytes) {
			this.bytes = bytes;
		}

		long readInt() {
			long value = 0;
			int digits = 0;
			while (this.position < this.bytes.length) {
				byte b = this.bytes[this.position];
				int digit = (b >= 0 && b < 128) ? VALUES[b] : -1;
				if (digit < 0) {
					break;
				}
				value = (value << 6) | digit;
				this.position++;
				if (++digits > 6) {
					throw new IllegalArgumentException("A number in the delta is too large");
				}
			}
			if (digits == 0) {
				throw new IllegalArgumentException("The delta has no number at byte " + this.position);
			}
			return value;
		}

		byte next() {
			if (this.position >= this.bytes.length) {
				throw new IllegalArgumentException("The delta ends in a command");
			}
			return this.bytes[this.position++];
		}

		void expect(char c) {
			if (next() != c) {
				throw new IllegalArgumentException("The delta lacks '" + c + "' at byte " + (this.position - 1));
			}
		}

	}

}

package io.pushwire.core;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Splitting a binary message into fragments (PROTOCOL.md §8.2): each fragment repeats the
 * message's header with flag bit 1, then a 20-byte fragment header (a random UUID, the
 * number of fragments and this one's index, big-endian), then its piece of the body.
 *
 * @since 0.1.0
 */
public final class Fragments {

	/** The length of the fragment header after the message header. */
	public static final int FRAGMENT_HEADER_SIZE = 20;

	/** The most fragments a message may have ({@code total} is a u16). */
	public static final int MAX_FRAGMENTS = 0xffff;

	/**
	 * The smallest piece a fragment other than the last may carry, so that a partial
	 * message holds few pieces.
	 */
	public static final int MIN_PIECE = 1024;

	/** The smallest fragment size a peer may use: a header and {@link #MIN_PIECE}. */
	public static final int MIN_FRAGMENT_SIZE = BinaryFormat.HEADER_SIZE + FRAGMENT_HEADER_SIZE + MIN_PIECE;

	private Fragments() {
	}

	/**
	 * Split a message into fragments of at most {@code fragmentSize} bytes each, or leave
	 * it whole when it fits.
	 * @param message a binary message, header included
	 * @param fragmentSize the largest WebSocket message to send, at least
	 * {@link #MIN_FRAGMENT_SIZE}
	 * @return the message itself when it is at most {@code fragmentSize} bytes, else its
	 * fragments in index order
	 */
	public static byte[][] split(byte[] message, int fragmentSize) {
		if (message.length <= fragmentSize) {
			return new byte[][] { message };
		}
		int body = message.length - BinaryFormat.HEADER_SIZE;
		int piece = Math.max(fragmentSize - BinaryFormat.HEADER_SIZE - FRAGMENT_HEADER_SIZE, MIN_PIECE);
		int total = (body + piece - 1) / piece;
		if (total > MAX_FRAGMENTS) {
			piece = (body + MAX_FRAGMENTS - 1) / MAX_FRAGMENTS;
			total = (body + piece - 1) / piece;
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		// A version 4 UUID: unique enough for one connection's partial messages.
		long most = (random.nextLong() & ~0xf000L) | 0x4000L;
		long least = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
		byte[][] fragments = new byte[total][];
		for (int index = 0; index < total; index++) {
			int from = BinaryFormat.HEADER_SIZE + index * piece;
			int length = Math.min(piece, message.length - from);
			byte[] fragment = new byte[BinaryFormat.HEADER_SIZE + FRAGMENT_HEADER_SIZE + length];
			System.arraycopy(message, 0, fragment, 0, BinaryFormat.HEADER_SIZE);
			fragment[3] |= BinaryFormat.FLAG_FRAGMENT;
			int at = BinaryFormat.HEADER_SIZE;
			putLong(fragment, at, most);
			putLong(fragment, at + 8, least);
			putShort(fragment, at + 16, total);
			putShort(fragment, at + 18, index);
			System.arraycopy(message, from, fragment, at + FRAGMENT_HEADER_SIZE, length);
			fragments[index] = fragment;
		}
		return fragments;
	}

	static long getLong(byte[] bytes, int at) {
		long value = 0;
		for (int i = 0; i < 8; i++) {
			value = (value << 8) | (bytes[at + i] & 0xff);
		}
		return value;
	}

	static int getShort(byte[] bytes, int at) {
		return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
	}

	private static void putLong(byte[] bytes, int at, long value) {
		for (int i = 7; i >= 0; i--) {
			bytes[at + i] = (byte) value;
			value >>>= 8;
		}
	}

	private static void putShort(byte[] bytes, int at, int value) {
		bytes[at] = (byte) (value >>> 8);
		bytes[at + 1] = (byte) value;
	}

}

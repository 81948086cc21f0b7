package io.pushwire.core;

import java.security.SecureRandom;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Rules for cursors and epochs (PROTOCOL.md §1).
 *
 * @since 0.1.0
 */
public final class Cursors {

	/**
	 * The largest cursor the protocol carries: 2^53 - 1, exact in every JSON
	 * implementation.
	 */
	public static final long MAX_CURSOR = (1L << 53) - 1;

	private static final Pattern EPOCH = Pattern.compile("[A-Za-z0-9_-]{1,16}");

	private static final char[] EPOCH_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
		.toCharArray();

	private static final SecureRandom RANDOM = new SecureRandom();

	private Cursors() {
	}

	/**
	 * Whether a value is a valid cursor.
	 * @param cursor the value
	 * @return {@code true} for {@code 0..2^53-1}
	 */
	public static boolean isValidCursor(long cursor) {
		return cursor >= 0 && cursor <= MAX_CURSOR;
	}

	/**
	 * Whether a string is a valid epoch.
	 * @param epoch the candidate
	 * @return {@code true} for 1 to 16 characters of {@code [A-Za-z0-9_-]}
	 */
	public static boolean isValidEpoch(@Nullable String epoch) {
		return epoch != null && EPOCH.matcher(epoch).matches();
	}

	/**
	 * A new random epoch of 8 characters, unlikely to repeat across restarts.
	 * @return the epoch
	 */
	public static String newEpoch() {
		char[] chars = new char[8];
		for (int i = 0; i < chars.length; i++) {
			chars[i] = EPOCH_ALPHABET[RANDOM.nextInt(EPOCH_ALPHABET.length)];
		}
		return new String(chars);
	}

}

package io.pushwire.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A frame whose payload is sent as a delta against the previous payload of its channel on
 * the connection (PROTOCOL.md §8.3): {@code "delta":{"base":…,"fossil":…,"sha256":…}} in
 * place of {@code payload}. Only servers send it, only to a client that asked for deltas
 * on the channel; a client applies it to the payload of cursor {@code base} and hands the
 * application an ordinary {@link Frame}.
 *
 * @param channel the channel name
 * @param cursor the frame's cursor
 * @param delta the delta and the hash of its result
 * @param clientId the client on whose behalf the frame was published, or {@code null}
 * @since 0.1.0
 */
public record DeltaFrame(String channel, long cursor, Delta delta, @Nullable String clientId) implements PushMessage {

	/** The only delta encoding of protocol version 1. */
	public static final String FOSSIL = "fossil";

	/**
	 * Check the frame.
	 */
	public DeltaFrame {
		Objects.requireNonNull(channel, "channel");
		Objects.requireNonNull(delta, "delta");
		if (cursor < 2 || delta.base() != cursor - 1) {
			throw new IllegalArgumentException(
					"A delta frame's base is the cursor before its own: " + delta.base() + " for " + cursor);
		}
	}

	/**
	 * The delta of a payload.
	 *
	 * @param base the cursor of the payload the delta applies to
	 * @param fossil the Fossil delta ({@link FossilDelta}) in standard base64
	 * @param sha256 the SHA-256 of the result (the payload's UTF-8 JSON) in lowercase hex
	 * @since 0.1.0
	 */
	public record Delta(long base, String fossil, String sha256) {

		/**
		 * Check the delta.
		 */
		public Delta {
			Objects.requireNonNull(fossil, "fossil");
			Objects.requireNonNull(sha256, "sha256");
		}

		/**
		 * Make the delta that turns one payload's JSON into the next one's.
		 * @param base the cursor of the source payload
		 * @param source the source payload's UTF-8 JSON
		 * @param target the target payload's UTF-8 JSON
		 * @return the delta
		 */
		public static Delta of(long base, byte[] source, byte[] target) {
			return new Delta(base, Base64.getEncoder().encodeToString(FossilDelta.create(source, target)),
					sha256(target));
		}

		/**
		 * Apply the delta to the payload of cursor {@link #base()} and check the result
		 * against {@link #sha256()}.
		 * @param source the base payload's UTF-8 JSON
		 * @param maxSize the largest result accepted
		 * @return the payload's UTF-8 JSON
		 * @throws IllegalArgumentException when the delta is malformed, does not apply to
		 * the source, or its result does not have the hash
		 */
		public byte[] apply(byte[] source, int maxSize) {
			byte[] delta;
			try {
				delta = Base64.getDecoder().decode(this.fossil);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("The delta is not valid base64", ex);
			}
			byte[] target = FossilDelta.apply(source, delta, maxSize);
			if (!sha256(target).equals(this.sha256)) {
				throw new IllegalArgumentException("The result of the delta does not have the SHA-256 " + this.sha256);
			}
			return target;
		}

		/**
		 * The SHA-256 of some bytes in lowercase hex.
		 * @param bytes the bytes
		 * @return 64 hex digits
		 */
		public static String sha256(byte[] bytes) {
			try {
				return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
			}
		}

		@Override
		public String toString() {
			return "Delta[base=" + this.base + ", " + this.fossil.length() + " base64 characters, sha256=" + this.sha256
					+ "]";
		}

	}

}

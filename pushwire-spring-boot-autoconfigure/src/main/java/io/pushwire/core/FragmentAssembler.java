package io.pushwire.core;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * Reassembles one connection's fragmented binary messages (PROTOCOL.md §8.2), within
 * bounds: at most {@value #MAX_PARTIALS} partial messages, each at most the connection's
 * {@code max-message-size} and {@link Fragments#MAX_FRAGMENTS} pieces (so at most
 * {@code max-message-size / }{@value Fragments#MIN_PIECE}{@code + 1}, since every piece
 * but the last carries at least {@value Fragments#MIN_PIECE} bytes), and a partial
 * message older than {@value #MAX_AGE_MILLIS} ms is dropped. Made when a connection's
 * first fragment arrives; used by one thread at a time (the connection's inbound).
 *
 * @since 0.1.0
 */
public final class FragmentAssembler {

	/** The most partial messages a connection may have. */
	public static final int MAX_PARTIALS = 16;

	/** How long a partial message is kept. */
	public static final long MAX_AGE_MILLIS = 30_000;

	private final long maxSize;

	private final LongSupplier millis;

	private final Map<UUID, Partial> partials = new LinkedHashMap<>();

	/**
	 * Create an assembler.
	 * @param maxSize the largest reassembled body ({@code max-message-size})
	 * @param millis the time in milliseconds, a monotonic clock
	 */
	public FragmentAssembler(long maxSize, LongSupplier millis) {
		this.maxSize = maxSize;
		this.millis = millis;
	}

	/**
	 * Take a fragment.
	 * @param fragment a binary message whose header was checked and has flag bit 1
	 * @return the whole message (the header without the fragment flag, then the body)
	 * once its last fragment arrived, else {@code null}
	 * @throws ProtocolException {@code bad_message} for a fragment that breaks the rules
	 * (its partial message is dropped), {@code too_large} for a message that grows past
	 * the bound
	 */
	public byte @Nullable [] accept(byte[] fragment) {
		long now = this.millis.getAsLong();
		expire(now);
		int at = BinaryFormat.HEADER_SIZE;
		if (fragment.length < at + Fragments.FRAGMENT_HEADER_SIZE) {
			throw bad("A fragment needs a " + Fragments.FRAGMENT_HEADER_SIZE + "-byte fragment header");
		}
		UUID id = new UUID(Fragments.getLong(fragment, at), Fragments.getLong(fragment, at + 8));
		int total = Fragments.getShort(fragment, at + 16);
		int index = Fragments.getShort(fragment, at + 18);
		int pieceLength = fragment.length - at - Fragments.FRAGMENT_HEADER_SIZE;
		if (total == 0) {
			throw bad("A fragment's total must be at least 1");
		}
		if (index >= total) {
			throw dropped(id, "Fragment index " + index + " is not below its total " + total);
		}
		Partial partial = this.partials.get(id);
		if (partial != null && partial.pieces.length != total) {
			throw dropped(id, "A fragment's total changed from " + partial.pieces.length + " to " + total);
		}
		if (partial != null && partial.pieces[index] != null) {
			throw dropped(id, "Fragment " + index + " arrived twice");
		}
		if ((long) (total - 1) * Fragments.MIN_PIECE > this.maxSize) {
			throw dropped(id, "A message of " + total + " fragments would exceed the largest message");
		}
		if (index < total - 1 && pieceLength < Fragments.MIN_PIECE) {
			throw dropped(id, "Every fragment but the last carries at least " + Fragments.MIN_PIECE + " bytes");
		}
		if (partial == null) {
			if (this.partials.size() >= MAX_PARTIALS) {
				throw bad("At most " + MAX_PARTIALS + " fragmented messages may be incomplete at once");
			}
			partial = new Partial(fragment, total, now);
			this.partials.put(id, partial);
		}
		if (partial.size + pieceLength > this.maxSize) {
			this.partials.remove(id);
			throw new ProtocolException(ErrorCode.TOO_LARGE,
					"A fragmented message grows past the largest message of " + this.maxSize + " bytes");
		}
		byte[] piece = new byte[pieceLength];
		System.arraycopy(fragment, at + Fragments.FRAGMENT_HEADER_SIZE, piece, 0, pieceLength);
		partial.pieces[index] = piece;
		partial.size += pieceLength;
		partial.received++;
		if (partial.received < total) {
			return null;
		}
		this.partials.remove(id);
		return partial.join();
	}

	/**
	 * How many messages are partly received.
	 * @return the number of partial messages
	 */
	public int partials() {
		return this.partials.size();
	}

	private void expire(long now) {
		Iterator<Partial> iterator = this.partials.values().iterator();
		while (iterator.hasNext()) {
			// Insertion order is age order: stop at the first young one.
			if (now - iterator.next().started < MAX_AGE_MILLIS) {
				return;
			}
			iterator.remove();
		}
	}

	private ProtocolException dropped(UUID id, String message) {
		this.partials.remove(id);
		return bad(message);
	}

	private static ProtocolException bad(String message) {
		return new ProtocolException(ErrorCode.BAD_MESSAGE, message);
	}

	/** A message partly received. */
	private static final class Partial {

		private final byte[] header = new byte[BinaryFormat.HEADER_SIZE];

		private final byte[][] pieces;

		private final long started;

		private long size;

		private int received;

		Partial(byte[] first, int total, long started) {
			System.arraycopy(first, 0, this.header, 0, BinaryFormat.HEADER_SIZE);
			this.header[3] &= (byte) ~BinaryFormat.FLAG_FRAGMENT;
			this.pieces = new byte[total][];
			this.started = started;
		}

		byte[] join() {
			byte[] whole = new byte[BinaryFormat.HEADER_SIZE + (int) this.size];
			System.arraycopy(this.header, 0, whole, 0, BinaryFormat.HEADER_SIZE);
			int at = BinaryFormat.HEADER_SIZE;
			for (byte[] piece : this.pieces) {
				System.arraycopy(piece, 0, whole, at, piece.length);
				at += piece.length;
			}
			return whole;
		}

	}

}

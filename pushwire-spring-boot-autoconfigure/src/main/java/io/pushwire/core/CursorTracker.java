package io.pushwire.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Client-side cursor tracking (PROTOCOL.md §5.5): per channel the last cursor and epoch,
 * telling in-order frames from duplicates (which must not reach the application) and
 * gaps. Thread-safe.
 *
 * @since 0.1.0
 */
public final class CursorTracker {

	private final Map<String, ResumeToken.Position> positions = new ConcurrentHashMap<>();

	/**
	 * Track an incoming frame.
	 * @param frame the frame
	 * @return what it means
	 */
	public Outcome track(Frame frame) {
		Long cursor = frame.cursor();
		if (cursor == null) {
			return new Outcome.Untracked();
		}
		Outcome[] result = new Outcome[1];
		this.positions.compute(frame.channel(), (channel, last) -> {
			long previous = (last != null) ? last.cursor() : 0;
			String epoch = (last != null) ? last.epoch() : null;
			if (previous == 0 || cursor == previous + 1) {
				result[0] = new Outcome.InOrder(cursor);
			}
			else if (cursor <= previous) {
				result[0] = new Outcome.Duplicate(cursor, previous);
				return last;
			}
			else {
				result[0] = new Outcome.Gap(previous + 1, cursor);
			}
			return new ResumeToken.Position(cursor, epoch);
		});
		return result[0];
	}

	/**
	 * Set a channel's position, as told by {@code auth_ok}, {@code subscribed} or
	 * {@code resume_required} (which resets the cursor to {@code from_cursor - 1}).
	 * @param channel the channel
	 * @param cursor the cursor after which frames follow
	 * @param epoch the epoch, or {@code null} to keep the known one
	 */
	public void reset(String channel, long cursor, @Nullable String epoch) {
		this.positions.compute(channel, (key, last) -> new ResumeToken.Position(cursor,
				(epoch != null) ? epoch : ((last != null) ? last.epoch() : null)));
	}

	/**
	 * Forget a channel.
	 * @param channel the channel
	 */
	public void remove(String channel) {
		this.positions.remove(channel);
	}

	/**
	 * A channel's position.
	 * @param channel the channel
	 * @return the position, or {@code null} when nothing is known
	 */
	public ResumeToken.@Nullable Position position(String channel) {
		return this.positions.get(channel);
	}

	/**
	 * Every channel's last cursor, for {@code auth.resume_cursors}.
	 * @return a snapshot
	 */
	public Map<String, Long> cursors() {
		Map<String, Long> result = new java.util.LinkedHashMap<>();
		this.positions.forEach((channel, position) -> result.put(channel, position.cursor()));
		return result;
	}

	/**
	 * Every channel's epoch, for {@code auth.resume_epochs}.
	 * @return a snapshot
	 */
	public Map<String, String> epochs() {
		Map<String, String> result = new java.util.LinkedHashMap<>();
		this.positions.forEach((channel, position) -> {
			if (position.epoch() != null) {
				result.put(channel, position.epoch());
			}
		});
		return result;
	}

	/**
	 * The positions as an SSE resume token.
	 * @return the token
	 */
	public ResumeToken toResumeToken() {
		return new ResumeToken(new java.util.LinkedHashMap<>(this.positions));
	}

	/**
	 * What a frame's cursor means for its channel.
	 */
	public sealed interface Outcome {

		/**
		 * Whether the frame should reach the application.
		 * @return {@code false} only for duplicates
		 */
		default boolean deliver() {
			return !(this instanceof Duplicate);
		}

		/**
		 * The frame follows the last one (or is the first); deliver it.
		 *
		 * @param cursor the frame's cursor
		 */
		record InOrder(long cursor) implements Outcome {
		}

		/**
		 * The frame was seen already; drop it.
		 *
		 * @param cursor the frame's cursor
		 * @param last the last cursor seen on the channel
		 */
		record Duplicate(long cursor, long last) implements Outcome {
		}

		/**
		 * Frames were missed between {@code expected} and {@code got}; deliver and report
		 * the gap.
		 *
		 * @param expected the cursor that should have come next
		 * @param got the frame's cursor
		 */
		record Gap(long expected, long got) implements Outcome {
		}

		/** The frame has no cursor (transient); deliver it without tracking. */
		record Untracked() implements Outcome {
		}

	}

}

package io.pushwire.server.stream;

import java.util.List;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.PreparedMessage;

/**
 * Receives the frames appended to a channel's stream after it attached, in cursor order.
 * A listener without an {@link #executor()} is called on a publishing thread, never while
 * the stream is locked (so it may publish from its callback), one call at a time: it must
 * return quickly and never block. A listener with one is given frames in batches on that
 * executor.
 * <p>
 * A stream over a remote store ({@link HubChannelStreamStore}) attaches a listener before
 * it reads the replay, so frames may arrive before the {@link Attachment} and again in
 * its replay: a listener holds what arrives before it has its attachment and drops a
 * cursor it already has (as the connections' subscriptions do). The in-memory store
 * attaches atomically and never does either.
 *
 * @since 0.1.0
 */
public interface StreamListener {

	/**
	 * Where this listener wants its frames: an event loop shared by many listeners (the
	 * stream then hands that executor one batch for all of them instead of calling each
	 * on the publishing thread), or {@code null} to be called directly.
	 * @return the executor or {@code null}
	 */
	default @Nullable Executor executor() {
		return null;
	}

	/**
	 * Frames and transient frames in publishing order, on the {@link #executor()}. By
	 * default each is passed to {@link #onFrame} or {@link #onTransient}.
	 * @param items {@link StoredFrame}s and {@link Transient}s; shared, never to be
	 * modified
	 */
	default void onBatch(List<Object> items) {
		for (Object item : items) {
			if (item instanceof StoredFrame frame) {
				onFrame(frame);
			}
			else if (item instanceof Transient transientFrame) {
				onTransient(transientFrame.channel(), transientFrame.frame());
			}
			else if (item instanceof EpochChange change) {
				onEpochChange(change);
			}
		}
	}

	/**
	 * A frame was appended.
	 * @param frame the frame
	 */
	void onFrame(StoredFrame frame);

	/**
	 * A transient frame was published to the channel: not stored, no cursor.
	 * @param channel the channel
	 * @param frame the frame, encoded once per wire format and shared by every listener
	 */
	void onTransient(String channel, PreparedMessage frame);

	/**
	 * The channel's stream was lost in a shared store (a Redis restarted empty) and
	 * started again under a new epoch: the frames that follow are the new epoch's, from
	 * {@link EpochChange#fromCursor()} on. A listener of another epoch tells its client
	 * ({@code resume_required}) and takes the new epoch's cursors from there; one that
	 * attached in the new epoch already ignores it. By default nothing happens.
	 * @param change the new epoch
	 */
	default void onEpochChange(EpochChange change) {
	}

	/**
	 * A new epoch of a channel's stream, in a batch: frames after it are of that epoch.
	 *
	 * @param channel the channel
	 * @param epoch the new epoch
	 * @param fromCursor the first cursor of the new epoch that follows
	 */
	record EpochChange(String channel, String epoch, long fromCursor) {
	}

	/**
	 * A transient frame in a batch.
	 *
	 * @param channel the channel
	 * @param frame the frame, encoded once per wire format
	 */
	record Transient(String channel, PreparedMessage frame) {
	}

}

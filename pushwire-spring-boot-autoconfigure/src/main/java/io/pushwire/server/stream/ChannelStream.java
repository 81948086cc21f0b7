package io.pushwire.server.stream;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ResumeToken;

/**
 * One channel's stream as the connections of this node use it: frames with gapless
 * cursors from 1 in one epoch, a bounded replay window (kept by a {@link ChannelStore}),
 * and this node's listeners that receive new frames in cursor order (fanned out by a
 * {@link ChannelHub}).
 *
 * @since 0.1.0
 */
public interface ChannelStream {

	/**
	 * The channel.
	 * @return the name
	 */
	String channel();

	/**
	 * Append a frame with the next cursor and deliver it to every listener.
	 * @param payload the payload
	 * @param clientId the publishing client, or {@code null}
	 * @return the stored frame
	 */
	Mono<StoredFrame> append(JsonNode payload, @Nullable String clientId);

	/**
	 * Deliver a transient frame (no cursor, not stored) to every listener.
	 * @param frame the frame, encoded once per wire format for all listeners
	 * @return the number of listeners it was given to
	 */
	Mono<Integer> publishTransient(PreparedMessage frame);

	/**
	 * Attach a listener, resuming from a position. Atomically with the attachment, the
	 * stream works out the replay (PROTOCOL.md §5.2): with no position, none (delivery
	 * starts live); with a position inside the window and of the current epoch (or none
	 * given), the frames after it; otherwise the whole window, flagged as
	 * {@code resumeRequired}. Frames appended after the attachment go to the listener.
	 * The in-memory stream attaches atomically, so none is both replayed and delivered; a
	 * stream over a remote store may deliver a frame of the replay live too, and
	 * listeners drop a cursor they already had.
	 * @param from the last position the client processed, or {@code null} to start live
	 * @param listener the listener
	 * @return the attachment
	 */
	Mono<Attachment> attach(ResumeToken.@Nullable Position from, StreamListener listener);

	/**
	 * The current epoch and newest cursor. The in-memory stream answers with a completed
	 * {@code Mono} (the same one until the next append), so that checking an
	 * acknowledgement against it allocates nothing.
	 * @return the position
	 */
	Mono<StreamPosition> position();

}

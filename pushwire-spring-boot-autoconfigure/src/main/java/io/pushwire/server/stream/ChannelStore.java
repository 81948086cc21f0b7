package io.pushwire.server.stream;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ResumeToken;
import io.pushwire.server.channel.ChannelKind;

/**
 * Where channels' frames are stored: the part of a stream that a store shared by several
 * nodes (Redis) implements, as centrifuge's broker is separate from its hub. A store
 * numbers each channel's frames with gapless cursors from 1 in an epoch, keeps a replay
 * window bounded by the channel kind's {@code history-size} and {@code history-ttl}, and
 * answers resumes from that window. Delivering a stored frame to the listeners of this
 * node is the job of the node's {@link ChannelHub}: the store hands it every frame of a
 * followed channel, one channel's frames in cursor order, and
 * {@link HubChannelStreamStore} puts the two together into the {@link ChannelStreamStore}
 * the connections use.
 * <p>
 * Every operation may be I/O, so it answers with a {@code Mono}. A store that completes
 * them at once (as {@link InMemoryChannelStreamStore} does) returns completed ones, so
 * that the publishing path adds no scheduling.
 *
 * @since 0.1.0
 */
public interface ChannelStore {

	/**
	 * Store a frame with the channel's next cursor. Concurrent appends to one channel,
	 * from this node or others, never get the same cursor or leave one out; each appended
	 * frame reaches the hubs that follow the channel in cursor order.
	 * @param channel the channel
	 * @param kind its declared kind (for the replay window)
	 * @param payload the payload
	 * @param clientId the publishing client, or {@code null}
	 * @return the stored frame, with its cursor and epoch; an error when it was not
	 * stored (then no cursor was used up)
	 */
	Mono<StoredFrame> append(ChannelName channel, ChannelKind kind, JsonNode payload, @Nullable String clientId);

	/**
	 * Read what a client resuming from a position is given (PROTOCOL.md §5.2): with no
	 * position, nothing (delivery starts live after the head); with a position of the
	 * current epoch (or without an epoch) inside the window, the frames after it;
	 * otherwise the whole window, flagged as {@code resumeRequired}. A channel without a
	 * stream gets one (with a new epoch).
	 * @param channel the channel
	 * @param kind its declared kind
	 * @param from the last position the client processed, or {@code null} to start live
	 * @return the plan and the frames after it
	 */
	Mono<StreamReplay> read(ChannelName channel, ChannelKind kind, ResumeToken.@Nullable Position from);

	/**
	 * The epoch and head of a channel's stream.
	 * @param channel the channel name
	 * @return the position, or empty when the store holds no stream for the channel
	 */
	Mono<StreamPosition> position(String channel);

	/**
	 * Hand a transient frame (not stored, no cursor) to the other nodes that follow the
	 * channel; this node's hub is given it by the caller. A store of this node alone has
	 * nothing to do.
	 * @param channel the channel
	 * @param frame the frame, encoded once per wire format on first use
	 * @return completes when handed on
	 */
	default Mono<Void> publishTransient(ChannelName channel, PreparedMessage frame) {
		return Mono.empty();
	}

	/**
	 * Start handing this node's hub the frames appended to a channel (by any node),
	 * because a listener of this node attached to it; idempotent. A store that hands
	 * every frame to the hub as it appends it (a store of this node alone) need not do
	 * anything.
	 * @param channel the channel
	 * @return completes when frames appended from now on reach the hub
	 */
	default Mono<Void> follow(ChannelName channel) {
		return Mono.empty();
	}

	/**
	 * Stop handing this node's hub a channel's frames, because its last listener of this
	 * node detached; idempotent.
	 * @param channel the channel
	 */
	default void unfollow(String channel) {
	}

	/**
	 * How many streams the store holds (for this node's metrics; a shared store may
	 * answer with those it knows of).
	 * @return the count
	 */
	int size();

	/**
	 * How many bytes of frames the store retains for replay, counted by their encoded
	 * size.
	 * @return the bytes, or 0 when the store does not count them
	 */
	default long retainedBytes() {
		return 0;
	}

}

package io.pushwire.server.connection;

import org.jspecify.annotations.Nullable;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.StreamPosition;

/**
 * Records clients' acknowledgements in their sessions (PROTOCOL.md §5.3), from an
 * {@code ack} op or the HTTP ack endpoint, checked against the channel's stream.
 *
 * @since 0.1.0
 */
public final class Acknowledgements {

	private final ChannelStreamStore streams;

	private final SessionRegistry sessions;

	/**
	 * Create the acknowledgements of a node.
	 * @param streams the channel streams
	 * @param sessions the sessions, which record the acknowledgements
	 */
	public Acknowledgements(ChannelStreamStore streams, SessionRegistry sessions) {
		this.streams = streams;
		this.sessions = sessions;
	}

	/**
	 * Record a client's acknowledgement in its session.
	 * @param session the session
	 * @param channel the channel
	 * @param cursor the cursor processed
	 * @return completes when recorded; an error {@link ProtocolException}
	 * {@code bad_message} for a channel the session is not subscribed to or a cursor
	 * beyond the head. With stores that answer with completed {@code Mono}s (the
	 * in-memory ones) the ack is checked and recorded before this returns, allocating no
	 * operator.
	 */
	public Mono<Void> acknowledge(DefaultPushSession session, String channel, long cursor) {
		if (!session.hasChannel(channel)) {
			return Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE, "Not subscribed to " + channel, channel));
		}
		// The cursor belongs to the epoch the client read it in, not to whatever stream
		// holds the channel now.
		String epoch = session.subscribedEpoch(channel);
		Mono<StreamPosition> position = this.streams.position(channel);
		if (position instanceof Fuseable.ScalarCallable<?> completed) {
			StreamPosition current;
			try {
				current = (StreamPosition) completed.call();
			}
			catch (Exception ex) {
				return Mono.error(ex);
			}
			return acknowledge(session, channel, cursor, epoch, current);
		}
		return position.flatMap((current) -> acknowledge(session, channel, cursor, epoch, current))
			.switchIfEmpty(Mono.defer(() -> acknowledge(session, channel, cursor, epoch, null)));
	}

	private Mono<Void> acknowledge(DefaultPushSession session, String channel, long cursor, @Nullable String epoch,
			@Nullable StreamPosition current) {
		if (current == null || (epoch != null && !epoch.equals(current.epoch()))) {
			if (epoch == null) {
				return Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE,
						"Ack of cursor " + cursor + " is beyond the head 0 of " + channel, channel));
			}
			// That stream is gone: kept in its epoch, a resume from it gets
			// resume_required, never a skip.
			return this.sessions.acknowledge(session, channel, cursor, epoch);
		}
		long head = current.head();
		if (cursor > head) {
			return Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE,
					"Ack of cursor " + cursor + " is beyond the head " + head + " of " + channel, channel));
		}
		return this.sessions.acknowledge(session, channel, cursor, current.epoch());
	}

}

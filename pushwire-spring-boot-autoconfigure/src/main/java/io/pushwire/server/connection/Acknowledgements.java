package io.pushwire.server.connection;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.stream.ChannelStream;
import io.pushwire.server.stream.ChannelStreamStore;

/**
 * Records clients' acknowledgements in their sessions (PROTOCOL.md §5.3), from an {@code ack} op or
 * the HTTP ack endpoint, checked against the channel's stream.
 *
 * @since 0.1.0
 */
public final class Acknowledgements {

	private final ChannelStreamStore streams;

	/**
	 * Create the acknowledgements of a node.
	 * @param streams the channel streams
	 */
	public Acknowledgements(ChannelStreamStore streams) {
		this.streams = streams;
	}

	/**
	 * Record a client's acknowledgement in its session.
	 * @param session the session
	 * @param channel the channel
	 * @param cursor the cursor processed
	 * @throws ProtocolException {@code bad_message} for a channel the session is not subscribed to
	 * or a cursor beyond the head
	 */
	public void acknowledge(DefaultPushSession session, String channel, long cursor) {
		if (!session.hasChannel(channel)) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Not subscribed to " + channel, channel);
		}
		// The cursor belongs to the epoch the client read it in, not to whatever stream holds the channel now.
		String epoch = session.subscribedEpoch(channel);
		ChannelStream stream = this.streams.find(channel);
		if (stream == null || (epoch != null && !epoch.equals(stream.epoch()))) {
			if (epoch == null) {
				throw new ProtocolException(ErrorCode.BAD_MESSAGE,
						"Ack of cursor " + cursor + " is beyond the head 0 of " + channel, channel);
			}
			// That stream is gone: kept in its epoch, a resume from it gets resume_required, never a skip.
			session.acknowledge(channel, cursor, epoch);
			return;
		}
		long head = stream.head();
		if (cursor > head) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"Ack of cursor " + cursor + " is beyond the head " + head + " of " + channel, channel);
		}
		session.acknowledge(channel, cursor, stream.epoch());
	}

}

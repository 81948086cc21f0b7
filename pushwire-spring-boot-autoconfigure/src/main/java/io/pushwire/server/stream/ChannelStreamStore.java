package io.pushwire.server.stream;

import reactor.core.publisher.Mono;

import io.pushwire.core.ChannelName;
import io.pushwire.server.channel.ChannelKind;

/**
 * Holds the streams of all channels, as this node's connections use them. The in-memory
 * store keeps them in this JVM and is its own {@link ChannelStore}; a store shared by
 * several nodes implements {@link ChannelStore} and is used through
 * {@link HubChannelStreamStore}. Connections only ever use this interface.
 *
 * @since 0.1.0
 */
public interface ChannelStreamStore {

	/**
	 * The stream of a channel, created on first use.
	 * @param channel the channel
	 * @param kind its declared kind (for the replay window)
	 * @return the stream
	 */
	ChannelStream stream(ChannelName channel, ChannelKind kind);

	/**
	 * The epoch and head of a channel's stream, if it exists (to check an acknowledgement
	 * against).
	 * @param channel the channel name
	 * @return the position, or empty when there is no stream
	 */
	Mono<StreamPosition> position(String channel);

	/**
	 * How many streams are held.
	 * @return the count
	 */
	int size();

	/**
	 * How many bytes of frames the streams retain for replay, counted by their encoded
	 * size.
	 * @return the bytes, or 0 when the store does not count them
	 */
	default long retainedBytes() {
		return 0;
	}

}

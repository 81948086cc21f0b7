package io.pushwire.server.stream;

import io.pushwire.core.ChannelName;
import io.pushwire.server.channel.ChannelKind;
import org.jspecify.annotations.Nullable;

/**
 * Holds the streams of all channels. The in-memory store keeps them in this JVM; a shared store lets
 * several nodes serve the same channels. Transports only ever use this interface.
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
	 * The stream of a channel if it exists.
	 * @param channel the channel name
	 * @return the stream or {@code null}
	 */
	@Nullable ChannelStream find(String channel);

	/**
	 * How many streams are held.
	 * @return the count
	 */
	int size();

	/**
	 * How many bytes of frames the streams retain for replay, counted by their encoded size.
	 * @return the bytes, or 0 when the store does not count them
	 */
	default long retainedBytes() {
		return 0;
	}

}

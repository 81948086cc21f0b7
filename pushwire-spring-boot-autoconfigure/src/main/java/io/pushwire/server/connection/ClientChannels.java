package io.pushwire.server.connection;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.channel.ChannelRegistry;

/**
 * Resolves the channel names that clients send, within {@code max-channel-name-length}.
 *
 * @since 0.1.0
 */
public final class ClientChannels {

	private final ChannelRegistry channels;

	private final int maxNameLength;

	/**
	 * Create a resolver.
	 * @param channels the declared channel kinds
	 * @param limits the limits (the longest channel name)
	 */
	public ClientChannels(ChannelRegistry channels, ServerLimits limits) {
		this.channels = channels;
		this.maxNameLength = limits.maxChannelNameLength();
	}

	/**
	 * Parse a channel name that a client sent, within {@code max-channel-name-length},
	 * and find its kind.
	 * @param channel the name
	 * @return the channel and its kind
	 * @throws ProtocolException {@code bad_message} or {@code unknown_channel}
	 */
	public ChannelRegistry.ResolvedChannel resolve(String channel) {
		if (channel.length() > this.maxNameLength) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"Channel names are at most " + this.maxNameLength + " characters here",
					(channel.length() > 64) ? channel.substring(0, 61) + "..." : channel);
		}
		return this.channels.resolve(channel);
	}

	/**
	 * Resolve a channel the server knows to be valid (one a connection subscribed to).
	 * @param channel the name
	 * @return the channel and its kind
	 */
	ChannelRegistry.ResolvedChannel resolveKnown(String channel) {
		return this.channels.resolve(channel);
	}

}

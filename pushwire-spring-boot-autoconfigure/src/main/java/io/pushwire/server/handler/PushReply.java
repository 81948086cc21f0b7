package io.pushwire.server.handler;

import org.jspecify.annotations.Nullable;

/**
 * A frame that a handler wants published. Return it from a {@code @PushHandler} method
 * (or emit it from a {@code Mono}/{@code Flux}) to publish somewhere other than the
 * frame's own channel, or to publish a transient frame; any other return value is
 * published to the frame's channel.
 *
 * @param channel the channel to publish to, or {@code null} for the incoming frame's
 * channel
 * @param payload the payload
 * @param transientFrame whether to deliver without storing (no cursor, never replayed)
 * @since 0.1.0
 */
public record PushReply(@Nullable String channel, @Nullable Object payload, boolean transientFrame) {

	/**
	 * A reply published to the incoming frame's channel.
	 * @param payload the payload
	 * @return the reply
	 */
	public static PushReply of(@Nullable Object payload) {
		return new PushReply(null, payload, false);
	}

	/**
	 * A reply published to another channel.
	 * @param channel the channel
	 * @param payload the payload
	 * @return the reply
	 */
	public static PushReply to(String channel, @Nullable Object payload) {
		return new PushReply(channel, payload, false);
	}

	/**
	 * A transient reply to a channel's current subscribers.
	 * @param channel the channel, or {@code null} for the incoming frame's channel
	 * @param payload the payload
	 * @return the reply
	 */
	public static PushReply transientTo(@Nullable String channel, @Nullable Object payload) {
		return new PushReply(channel, payload, true);
	}

}

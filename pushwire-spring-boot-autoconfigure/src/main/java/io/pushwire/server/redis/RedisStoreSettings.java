package io.pushwire.server.redis;

import java.time.Duration;

/**
 * The settings of {@link RedisChannelStore} ({@code pushwire.server.redis.*}).
 *
 * @param keyPrefix what every key and pub/sub channel name starts with, so that several
 * applications can share one Redis
 * @param commandTimeout how long a command of the publishing or subscribing path may take
 * before the store answers {@code unavailable}
 * @param catchUpInterval how often a node compares the head of each channel it follows
 * with what it delivered, and fills a hole from the stream (a pub/sub message lost while
 * Redis or the connection was down)
 * @param streamExpiry how long a channel's stream and meta stay in Redis after its last
 * publish; an expired channel starts again with a new epoch
 * @since 0.1.0
 */
public record RedisStoreSettings(String keyPrefix, Duration commandTimeout, Duration catchUpInterval,
		Duration streamExpiry) {

	/**
	 * Check the settings.
	 * @param keyPrefix the key prefix
	 * @param commandTimeout the command timeout
	 * @param catchUpInterval the catch-up interval
	 * @param streamExpiry the stream expiry
	 */
	public RedisStoreSettings {
		if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException(
					"pushwire.server.redis.key-prefix must not contain '{' or '}' (the channel is the hash tag)");
		}
		positive("command-timeout", commandTimeout);
		positive("catch-up-interval", catchUpInterval);
		positive("stream-expiry", streamExpiry);
	}

	/**
	 * The defaults: prefix {@code pushwire:}, 2 s command timeout, 1 s catch-up, streams
	 * kept a day after their last publish.
	 * @return the settings
	 */
	public static RedisStoreSettings defaults() {
		return new RedisStoreSettings("pushwire:", Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofDays(1));
	}

	private static void positive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("pushwire.server.redis." + name + " must be positive, was " + value);
		}
	}

}

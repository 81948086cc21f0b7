package io.pushwire.server.redis;

import java.time.Duration;
import java.util.Objects;

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
 * @param pubSub which pub/sub the live fan-out uses
 * ({@code pushwire.server.redis.pub-sub})
 * @since 0.1.0
 */
public record RedisStoreSettings(String keyPrefix, Duration commandTimeout, Duration catchUpInterval,
		Duration streamExpiry, PubSub pubSub) {

	/**
	 * Check the settings.
	 * @param keyPrefix the key prefix
	 * @param commandTimeout the command timeout
	 * @param catchUpInterval the catch-up interval
	 * @param streamExpiry the stream expiry
	 * @param pubSub the pub/sub of the live fan-out
	 */
	public RedisStoreSettings {
		Objects.requireNonNull(pubSub, "pushwire.server.redis.pub-sub must be set");
		if (keyPrefix.indexOf('{') >= 0 || keyPrefix.indexOf('}') >= 0) {
			throw new IllegalArgumentException(
					"pushwire.server.redis.key-prefix must not contain '{' or '}' (the channel is the hash tag)");
		}
		positive("command-timeout", commandTimeout);
		positive("catch-up-interval", catchUpInterval);
		positive("stream-expiry", streamExpiry);
	}

	/**
	 * Settings with {@link PubSub#AUTO} pub/sub.
	 * @param keyPrefix the key prefix
	 * @param commandTimeout the command timeout
	 * @param catchUpInterval the catch-up interval
	 * @param streamExpiry the stream expiry
	 */
	public RedisStoreSettings(String keyPrefix, Duration commandTimeout, Duration catchUpInterval,
			Duration streamExpiry) {
		this(keyPrefix, commandTimeout, catchUpInterval, streamExpiry, PubSub.AUTO);
	}

	/**
	 * The same settings with another pub/sub.
	 * @param pubSub the pub/sub of the live fan-out
	 * @return the settings
	 */
	public RedisStoreSettings withPubSub(PubSub pubSub) {
		return new RedisStoreSettings(this.keyPrefix, this.commandTimeout, this.catchUpInterval, this.streamExpiry,
				pubSub);
	}

	/**
	 * The defaults: prefix {@code pushwire:}, 2 s command timeout, 1 s catch-up, streams
	 * kept a day after their last publish, {@link PubSub#AUTO} pub/sub.
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

	/**
	 * Which Redis pub/sub carries the live frames from the publishing node to the nodes
	 * that follow the channel.
	 */
	public enum PubSub {

		/**
		 * Sharded pub/sub where it works (a Lettuce connection factory and a server that
		 * runs {@code SPUBLISH}: Redis 7 or later), classic pub/sub otherwise.
		 */
		AUTO,

		/**
		 * Classic {@code PUBLISH}/{@code SUBSCRIBE} through Spring Data Redis: every
		 * server, every connection factory; broadcast to every shard of a Redis Cluster.
		 */
		CLASSIC,

		/**
		 * Sharded {@code SPUBLISH}/{@code SSUBSCRIBE} (Redis 7 or later, Lettuce): a
		 * message goes only to the shard that owns the channel's slot. Without support
		 * the application does not start.
		 */
		SHARDED

	}

}

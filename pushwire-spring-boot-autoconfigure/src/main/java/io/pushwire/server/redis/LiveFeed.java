package io.pushwire.server.redis;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * How a node publishes live messages and receives those of the channels it follows:
 * classic pub/sub ({@link ClassicLiveFeed}) or sharded pub/sub ({@link ShardedLiveFeed}).
 * One subscription per pub/sub channel per node, over one pub/sub connection.
 */
interface LiveFeed {

	/**
	 * The command that {@code append.lua} publishes with.
	 * @return {@code PUBLISH} or {@code SPUBLISH}
	 */
	String publishCommand();

	/**
	 * Publish a message (a transient frame).
	 * @param liveChannel the pub/sub channel
	 * @param message the message
	 * @return completes when Redis took it
	 */
	Mono<Void> publish(String liveChannel, String message);

	/**
	 * Subscribe to a pub/sub channel.
	 * @param liveChannel the pub/sub channel
	 * @return completes when Redis confirmed the subscription
	 */
	Mono<Void> subscribe(String liveChannel);

	/**
	 * Unsubscribe from a pub/sub channel, if the feed's connection is open.
	 * @param liveChannel the pub/sub channel
	 * @return completes when Redis confirmed it
	 */
	Mono<Void> unsubscribe(String liveChannel);

	/**
	 * Close the feed's connection.
	 */
	void dispose();

	/**
	 * What the feed tells the store.
	 */
	interface Listener {

		/**
		 * A message arrived.
		 * @param liveChannel the pub/sub channel
		 * @param message the message
		 */
		void message(String liveChannel, String message);

		/**
		 * The feed's connection was lost: every subscription is gone, and the next
		 * {@link LiveFeed#subscribe} opens a new connection.
		 * @param ex the cause, if known
		 */
		void lost(@Nullable Throwable ex);

	}

}

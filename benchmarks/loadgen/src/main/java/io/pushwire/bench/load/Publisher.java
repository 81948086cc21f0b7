package io.pushwire.bench.load;

/**
 * Publishes numbered payloads to the server under test: by asking the server to publish
 * them itself ({@code POST /bench/publish}, {@link ServerProbe}), or from outside, as an
 * application's other services would ({@link HttpPublisher}, {@link StompPublisher}).
 */
interface Publisher {

	/**
	 * Publish for at most {@code maxSeconds}; the summary says how many were published.
	 * @param from the sequence number of the first message
	 * @param count the number of messages to publish
	 * @param rate the messages per second to publish at, or 0 for a burst
	 * @param maxSeconds the longest publishing may take, or 0 for no limit
	 * @return a JSON summary: {@code published}, {@code elapsed_us}
	 */
	String publish(long from, int count, double rate, double maxSeconds);

	/**
	 * Publish without a time limit.
	 * @param from the sequence number of the first message
	 * @param count the number of messages to publish
	 * @param rate the messages per second to publish at, or 0 for a burst
	 * @return a JSON summary: {@code published}, {@code elapsed_us}
	 */
	default String publish(long from, int count, double rate) {
		return publish(from, count, rate, 0);
	}

	/**
	 * Pace a loop of publishes: wait until message {@code i} is due.
	 * @param start when publishing started (nanoTime)
	 * @param i the message's index
	 * @param rate messages per second, or 0 for no pacing
	 */
	static void awaitDue(long start, int i, double rate) {
		if (rate <= 0) {
			return;
		}
		long due = start + (long) (i * (1_000_000_000L / rate));
		long wait;
		while ((wait = due - System.nanoTime()) > 0) {
			java.util.concurrent.locks.LockSupport.parkNanos(wait);
		}
	}

	static String summary(int published, long start) {
		return "{\"published\":" + published + ",\"elapsed_us\":" + (System.nanoTime() - start) / 1_000 + "}";
	}

}

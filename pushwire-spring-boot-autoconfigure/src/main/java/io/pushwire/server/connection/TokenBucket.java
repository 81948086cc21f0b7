package io.pushwire.server.connection;

/**
 * A token bucket: {@code capacity} tokens, refilled at {@code ratePerSecond}.
 * Thread-safe.
 */
final class TokenBucket {

	private final double capacity;

	private final double tokensPerNano;

	private double tokens;

	private long refilledAt;

	/**
	 * Create a full bucket.
	 * @param ratePerSecond tokens added per second
	 * @param capacity most tokens held
	 */
	TokenBucket(double ratePerSecond, double capacity) {
		this.capacity = capacity;
		this.tokensPerNano = ratePerSecond / 1_000_000_000d;
		this.tokens = capacity;
		this.refilledAt = System.nanoTime();
	}

	/**
	 * Take one token if there is one.
	 * @return {@code true} when taken
	 */
	boolean tryAcquire() {
		return tryAcquire(1, System.nanoTime());
	}

	synchronized boolean tryAcquire(double count, long now) {
		this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.tokensPerNano);
		this.refilledAt = now;
		if (this.tokens >= count) {
			this.tokens -= count;
			return true;
		}
		return false;
	}

}

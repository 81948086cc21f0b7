package io.pushwire.server.connection;

/**
 * A token bucket: {@code capacity} tokens, refilled at {@code ratePerSecond}.
 * Thread-safe. Internal API (also the relay's bandwidth limit, which refills on a clock
 * of its own).
 *
 * @since 0.1.0
 */
public final class TokenBucket {

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
		this(ratePerSecond, capacity, System.nanoTime());
	}

	/**
	 * Create a full bucket on a clock of the caller's.
	 * @param ratePerSecond tokens added per second
	 * @param capacity most tokens held
	 * @param nowNanos the time now on the clock later given to
	 * {@link #tryAcquire(double, long)}, in nanoseconds
	 */
	public TokenBucket(double ratePerSecond, double capacity, long nowNanos) {
		this.capacity = capacity;
		this.tokensPerNano = ratePerSecond / 1_000_000_000d;
		this.tokens = capacity;
		this.refilledAt = nowNanos;
	}

	/**
	 * Take one token if there is one.
	 * @return {@code true} when taken
	 */
	boolean tryAcquire() {
		return tryAcquire(1, System.nanoTime());
	}

	/**
	 * Take tokens if there are enough; none are taken otherwise.
	 * @param count how many
	 * @param now the time now, in nanoseconds, on the bucket's clock
	 * @return {@code true} when taken
	 */
	public synchronized boolean tryAcquire(double count, long now) {
		this.tokens = Math.min(this.capacity, this.tokens + (now - this.refilledAt) * this.tokensPerNano);
		this.refilledAt = now;
		if (this.tokens >= count) {
			this.tokens -= count;
			return true;
		}
		return false;
	}

}

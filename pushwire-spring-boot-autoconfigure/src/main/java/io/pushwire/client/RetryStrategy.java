package io.pushwire.client;

import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/**
 * When a {@link PushClient} tries again after a connection was lost or could not be
 * opened. The attempt count restarts at 1 once a connection stayed up for
 * {@code stable-after}; whether the error allows a reconnect at all is decided before
 * (PROTOCOL.md §3.3, see {@link PushClient.Builder#reconnectRule}).
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface RetryStrategy {

	/**
	 * The delay before the next attempt.
	 * @param error why the last attempt ended
	 * @param attempt the attempt about to be scheduled, from 1
	 * @return the delay, or empty to give up
	 */
	Optional<Duration> nextDelay(Throwable error, long attempt);

	/**
	 * Exponential backoff: {@code initial * factor^(attempt-1)}, capped at {@code max},
	 * then reduced by a random share of up to {@code jitter} (0 to 1), so that clients
	 * cut off together do not come back together.
	 * @param initial the first delay
	 * @param max the largest delay
	 * @param factor the growth per attempt, at least 1
	 * @param jitter the random share taken off, 0 to 1
	 * @param maxAttempts the most attempts, 0 for no limit
	 * @param random the source of jitter (seed it in tests)
	 * @return the strategy
	 */
	static RetryStrategy exponential(Duration initial, Duration max, double factor, double jitter, long maxAttempts,
			Random random) {
		if (initial.isNegative() || max.compareTo(initial) < 0 || factor < 1 || jitter < 0 || jitter > 1
				|| maxAttempts < 0) {
			throw new IllegalArgumentException("Invalid exponential retry: initial " + initial + ", max " + max
					+ ", factor " + factor + ", jitter " + jitter + ", max attempts " + maxAttempts
					+ " (need 0 <= initial <= max, factor >= 1, 0 <= jitter <= 1, max attempts >= 0)");
		}
		return (error, attempt) -> {
			if (maxAttempts > 0 && attempt > maxAttempts) {
				return Optional.empty();
			}
			double base = initial.toMillis() * Math.pow(factor, Math.min(attempt - 1, 64));
			double capped = Math.min(base, max.toMillis());
			double jittered;
			synchronized (random) {
				jittered = capped * (1 - jitter * random.nextDouble());
			}
			return Optional.of(Duration.ofMillis(Math.round(jittered)));
		};
	}

	/**
	 * The same delay every time.
	 * @param delay the delay
	 * @param maxAttempts the most attempts, 0 for no limit
	 * @return the strategy
	 */
	static RetryStrategy fixed(Duration delay, long maxAttempts) {
		return (error, attempt) -> (maxAttempts > 0 && attempt > maxAttempts) ? Optional.empty() : Optional.of(delay);
	}

	/**
	 * Never reconnect.
	 * @return the strategy
	 */
	static RetryStrategy none() {
		return (error, attempt) -> Optional.empty();
	}

	/**
	 * A preset with 20 % jitter and no attempt limit.
	 * @param preset the preset
	 * @param random the source of jitter
	 * @return the strategy
	 */
	static RetryStrategy preset(Preset preset, Random random) {
		return exponential(preset.initial(), preset.max(), preset.factor(), 0.2, 0, random);
	}

	/**
	 * Exponential presets.
	 */
	enum Preset {

		/**
		 * 100 ms, growing by 1.5 up to 5 s: interactive clients on a reliable network.
		 */
		FAST(Duration.ofMillis(100), Duration.ofSeconds(5), 1.5),

		/** 1 s, doubling up to 60 s: the default. */
		STANDARD(Duration.ofSeconds(1), Duration.ofSeconds(60), 2),

		/**
		 * 2 s, doubling up to 120 s: many clients, or a server that needs room to
		 * recover.
		 */
		CONSERVATIVE(Duration.ofSeconds(2), Duration.ofSeconds(120), 2);

		private final Duration initial;

		private final Duration max;

		private final double factor;

		Preset(Duration initial, Duration max, double factor) {
			this.initial = initial;
			this.max = max;
			this.factor = factor;
		}

		/**
		 * The first delay.
		 * @return the delay
		 */
		public Duration initial() {
			return this.initial;
		}

		/**
		 * The largest delay.
		 * @return the delay
		 */
		public Duration max() {
			return this.max;
		}

		/**
		 * The growth per attempt.
		 * @return the factor
		 */
		public double factor() {
			return this.factor;
		}

	}

}

package io.pushwire.server.connection;

import java.util.function.LongSupplier;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.SystemOp;

/**
 * {@code max-inbound-rate} and {@code max-inbound-burst} for every connection of a node:
 * the rule, shared, while each connection keeps its state in one {@code long} (no object
 * per connection).
 * <p>
 * It is a token bucket of {@code burst} tokens refilled at {@code rate} per second, kept
 * as the generic cell rate algorithm keeps one: the state is the theoretical time at
 * which the connection's bucket is full again; a message is admitted when that time, one
 * interval later, is at most the bucket's span ahead of now.
 */
final class InboundLimiter {

	/** The state of a connection that has sent nothing yet: its bucket is full. */
	static final long FULL = Long.MIN_VALUE;

	/** What {@link #admit} answers for a refused message. */
	static final long REFUSED = Long.MIN_VALUE;

	/** The {@code limit} tag of a refusal of this limiter. */
	static final String LIMIT = "inbound_rate";

	private final long intervalNanos;

	private final long spanNanos;

	private final int rate;

	private final int burst;

	private final LongSupplier nanoTime;

	private final SystemOp.Error refusal;

	/**
	 * Create the limits of a node.
	 * @param rate messages per second a connection may send
	 * @param burst messages a connection may send at once; this many refusals in a row
	 * close it
	 * @param nanoTime the clock, like {@link System#nanoTime()}
	 */
	InboundLimiter(int rate, int burst, LongSupplier nanoTime) {
		if (rate < 1 || burst < 1) {
			throw new IllegalArgumentException("The inbound rate and burst must be at least 1");
		}
		this.rate = rate;
		this.burst = burst;
		this.intervalNanos = Math.max(1, 1_000_000_000L / rate);
		this.spanNanos = this.intervalNanos * burst;
		this.nanoTime = nanoTime;
		this.refusal = SystemOp.Error.of(ErrorCode.RATE_LIMITED,
				"More than " + rate + " messages per second; this one was dropped, slow down", null);
	}

	/**
	 * Create the limits of a node on the system clock.
	 * @param limits the limits
	 */
	InboundLimiter(ServerLimits limits) {
		this(limits.maxInboundRate(), limits.maxInboundBurst(), System::nanoTime);
	}

	/**
	 * Take one message out of a connection's bucket.
	 * @param state the connection's state, {@link #FULL} at first
	 * @return the new state, or {@link #REFUSED} when over the rate (the state stays as
	 * it was)
	 */
	long admit(long state) {
		long now = this.nanoTime.getAsLong();
		// Measured from now - span at the latest: a bucket is never fuller than full.
		long full = (state == FULL || state - now < 0) ? now : state;
		long next = full + this.intervalNanos;
		if (next - now > this.spanNanos) {
			return REFUSED;
		}
		return next;
	}

	/**
	 * Whether so many refusals in a row close the connection (1008).
	 * @param refusedInARow the refusals in a row, this one included
	 * @return {@code true} at a burst's worth
	 */
	boolean persistent(int refusedInARow) {
		return refusedInARow >= this.burst;
	}

	/**
	 * The {@code error rate_limited} of a dropped message.
	 * @return the op
	 */
	SystemOp.Error refusal() {
		return this.refusal;
	}

	int rate() {
		return this.rate;
	}

	int burst() {
		return this.burst;
	}

}

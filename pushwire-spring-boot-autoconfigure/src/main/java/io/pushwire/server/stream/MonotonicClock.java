package io.pushwire.server.stream;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * A clock for frame ages that never goes back: it starts at the wall clock's time and
 * then advances with {@link System#nanoTime()}. The wall clock can be set back (NTP, an
 * operator), and a replay window measured by it would then keep frames past their
 * {@code history-ttl}, or drop fresh ones when it jumps forward.
 */
final class MonotonicClock extends Clock {

	private final long startMillis;

	private final long startNanos;

	private final LongSupplier nanoTime;

	MonotonicClock() {
		this(System.currentTimeMillis(), System::nanoTime);
	}

	MonotonicClock(long startMillis, LongSupplier nanoTime) {
		this.startMillis = startMillis;
		this.nanoTime = nanoTime;
		this.startNanos = nanoTime.getAsLong();
	}

	@Override
	public long millis() {
		return this.startMillis + (this.nanoTime.getAsLong() - this.startNanos) / 1_000_000;
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(millis());
	}

	@Override
	public ZoneId getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		throw new UnsupportedOperationException("Frame ages are zone-free");
	}

}

package io.pushwire.server.connection;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ExpiryTimer}, on virtual time.
 */
class ExpiryTimerTests {

	private static final long START = 1_800_000_000_000L;

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final AtomicInteger expired = new AtomicInteger();

	ExpiryTimerTests() {
		this.time.advanceTimeTo(Instant.ofEpochMilli(START));
	}

	@AfterEach
	void dispose() {
		this.time.dispose();
	}

	@Test
	void runsAtTheExpiryAndNotBefore() {
		ExpiryTimer timer = timer(this.time);
		timer.expireAt(START + 60_000);
		this.time.advanceTimeTo(Instant.ofEpochMilli(START + 59_999));
		assertThat(this.expired).hasValue(0);
		this.time.advanceTimeTo(Instant.ofEpochMilli(START + 60_000));
		assertThat(this.expired).hasValue(1);
	}

	@Test
	void expiryAlreadyPastRunsAtOnce() {
		timer(this.time).expireAt(START - 30_000);
		assertThat(this.expired).hasValue(1);
	}

	@Test
	void movedExpiryReplacesTheArmedOne() {
		ExpiryTimer timer = timer(this.time);
		timer.expireAt(START + 60_000);
		timer.expireAt(START + 600_000);
		this.time.advanceTimeTo(Instant.ofEpochMilli(START + 599_999));
		assertThat(this.expired).hasValue(0);
		this.time.advanceTimeTo(Instant.ofEpochMilli(START + 600_000));
		assertThat(this.expired).hasValue(1);
	}

	@Test
	void credentialsThatDoNotExpireDisarm() {
		ExpiryTimer timer = timer(this.time);
		timer.expireAt(START + 60_000);
		timer.expireAt(null);
		this.time.advanceTimeBy(java.time.Duration.ofDays(1));
		assertThat(this.expired).hasValue(0);
	}

	@Test
	void cancelledTimerNeverRunsAndIgnoresLaterExpiries() {
		ExpiryTimer timer = timer(this.time);
		timer.expireAt(START + 60_000);
		timer.cancel();
		timer.expireAt(START + 120_000);
		this.time.advanceTimeBy(java.time.Duration.ofDays(1));
		assertThat(this.expired).hasValue(0);
	}

	@Test
	void distantExpiryIsReachedThroughCappedDelays() {
		ExpiryTimer timer = timer(this.time);
		long at = START + TimeUnit.DAYS.toMillis(3);
		timer.expireAt(at);
		this.time.advanceTimeTo(Instant.ofEpochMilli(at - 1));
		assertThat(this.expired).hasValue(0);
		this.time.advanceTimeTo(Instant.ofEpochMilli(at));
		assertThat(this.expired).hasValue(1);
	}

	@Test
	void wallClockSetBackAfterArmingDoesNotExpireEarly() {
		AtomicLong setBack = new AtomicLong();
		Scheduler clock = new SetBackClock(this.time, setBack);
		ExpiryTimer timer = timer(clock);
		timer.expireAt(START + 60_000);
		setBack.set(10_000);
		this.time.advanceTimeTo(Instant.ofEpochMilli(START + 60_000));
		assertThat(this.expired).hasValue(0);
		this.time.advanceTimeTo(Instant.ofEpochMilli(START + 70_000));
		assertThat(this.expired).hasValue(1);
	}

	@Test
	void expiriesPastTheRangeOfMillisecondsAreNever() {
		assertThat(ExpiryTimer.epochMillis(Instant.MAX)).isNull();
		assertThat(ExpiryTimer.epochMillis(null)).isNull();
		assertThat(ExpiryTimer.epochMillis(Instant.ofEpochMilli(START))).isEqualTo(START);
	}

	private ExpiryTimer timer(Scheduler scheduler) {
		return new ExpiryTimer(() -> scheduler, this.expired::incrementAndGet);
	}

	/** Virtual time whose wall clock reads behind by an amount set during a test. */
	private record SetBackClock(VirtualTimeScheduler time, AtomicLong setBackMs) implements Scheduler {

		@Override
		public long now(TimeUnit unit) {
			return unit.convert(this.time.now(TimeUnit.MILLISECONDS) - this.setBackMs.get(), TimeUnit.MILLISECONDS);
		}

		@Override
		public Disposable schedule(Runnable task) {
			return this.time.schedule(task);
		}

		@Override
		public Disposable schedule(Runnable task, long delay, TimeUnit unit) {
			return this.time.schedule(task, delay, unit);
		}

		@Override
		public Worker createWorker() {
			return this.time.createWorker();
		}

	}

}

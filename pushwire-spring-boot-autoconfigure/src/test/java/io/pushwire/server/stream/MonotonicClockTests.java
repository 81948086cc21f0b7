package io.pushwire.server.stream;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.pushwire.core.ProtocolCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MonotonicClock}: frame ages follow elapsed time, not the wall clock.
 */
class MonotonicClockTests {

	@Test
	void advancesWithElapsedTimeFromTheWallClockItStartedAt() {
		AtomicLong nanos = new AtomicLong(42_000_000_000L);
		MonotonicClock clock = new MonotonicClock(1_767_225_600_000L, nanos::get);
		assertThat(clock.millis()).isEqualTo(1_767_225_600_000L);
		nanos.addAndGet(Duration.ofMillis(2500).toNanos());
		assertThat(clock.millis()).isEqualTo(1_767_225_602_500L);
		assertThat(clock.instant().toEpochMilli()).isEqualTo(1_767_225_602_500L);
	}

	@Test
	void storesBuiltWithoutAClockMeasureFrameAgesMonotonically() {
		InMemoryChannelStreamStore store = new InMemoryChannelStreamStore(new ProtocolCodec(), 1024 * 1024, 100);
		try {
			assertThat(store.clock()).isInstanceOf(MonotonicClock.class);
			assertThat(new InMemoryChannelStreamStore().clock()).isInstanceOf(MonotonicClock.class);
		}
		finally {
			store.dispose();
		}
	}

}

package io.pushwire.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RefreshTimer}, in virtual time.
 */
class RefreshTimerTests {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final AtomicInteger tokens = new AtomicInteger();

	private final List<String> sent = new CopyOnWriteArrayList<>();

	private final List<Throwable> errors = new CopyOnWriteArrayList<>();

	private final RefreshTimer timer = new RefreshTimer(this.time, 0.8,
			() -> Mono.fromSupplier(() -> "token-" + this.tokens.incrementAndGet()),
			(token) -> Mono.fromRunnable(() -> this.sent.add(token)), this.errors::add);

	@AfterEach
	void dispose() {
		this.timer.dispose();
		this.time.dispose();
	}

	private long now() {
		return this.time.now(TimeUnit.MILLISECONDS);
	}

	@Test
	void refreshesWithAFreshTokenWhenEightyPercentOfTheLifetimeHasPassed() {
		this.time.advanceTimeBy(Duration.ofHours(1));
		assertThat(this.timer.schedule(now() + 60_000)).isEqualTo(Duration.ofSeconds(48));
		this.time.advanceTimeBy(Duration.ofMillis(47_999));
		assertThat(this.sent).isEmpty();
		assertThat(this.tokens).hasValue(0);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.sent).containsExactly("token-1");
	}

	@Test
	void refreshedReschedulesFromTheNewExpiry() {
		this.timer.schedule(now() + 10_000);
		this.time.advanceTimeBy(Duration.ofSeconds(8));
		assertThat(this.sent).containsExactly("token-1");
		// refreshed: the new credentials last 100 s from now
		assertThat(this.timer.schedule(now() + 100_000)).isEqualTo(Duration.ofSeconds(80));
		this.time.advanceTimeBy(Duration.ofSeconds(79));
		assertThat(this.sent).hasSize(1);
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.sent).containsExactly("token-1", "token-2");
	}

	@Test
	void credentialsWithoutExpiryAreNeverRefreshedAndARescheduleCancelsThePendingOne() {
		assertThat(this.timer.schedule(null)).isNull();
		this.timer.schedule(now() + 10_000);
		this.timer.schedule(null);
		this.time.advanceTimeBy(Duration.ofMinutes(10));
		assertThat(this.sent).isEmpty();
	}

	@Test
	void anExpiryInThePastRefreshesAtOnce() {
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(this.timer.schedule(now() - 1000)).isEqualTo(Duration.ZERO);
		this.time.advanceTimeBy(Duration.ZERO);
		assertThat(this.sent).containsExactly("token-1");
	}

	@Test
	void aFarExpiryIsCappedInsteadOfOverflowingTheClock() {
		assertThat(this.timer.schedule(Long.MAX_VALUE / 2)).isEqualTo(Duration.ofMillis(RefreshTimer.MAX_DELAY_MS));
		assertThat(this.errors).isEmpty();
	}

}

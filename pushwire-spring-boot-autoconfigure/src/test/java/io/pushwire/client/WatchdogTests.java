package io.pushwire.client;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import reactor.test.publisher.TestPublisher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Watchdog}, in virtual time.
 */
class WatchdogTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	@Test
	void endsASilentConnectionAfterHeartbeatPlusGraceAndEveryMessageRestartsTheClock() {
		AtomicReference<Duration> limit = new AtomicReference<>(Duration.ofSeconds(10));
		TestPublisher<String> inbound = TestPublisher.create();
		StepVerifier
			.withVirtualTime(
					() -> Watchdog.watch(inbound.flux(), limit::get, reactor.core.scheduler.Schedulers.parallel()))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(9))
			.then(() -> {
				// auth_ok: from now on heartbeat_ms (25 s) + grace (10 s)
				limit.set(Duration.ofSeconds(35));
				inbound.next("auth_ok");
			})
			.expectNext("auth_ok")
			.thenAwait(Duration.ofSeconds(34))
			.then(() -> inbound.next("ping"))
			.expectNext("ping")
			.thenAwait(Duration.ofSeconds(34))
			.expectNoEvent(Duration.ofMillis(999))
			.thenAwait(Duration.ofMillis(1))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(PushConnectionException.class)
				.hasFieldOrPropertyWithValue("code", 4010))
			.verify(WAIT);
	}

	@Test
	void endsAConnectionThatNeverAnswersTheHandshake() {
		TestPublisher<String> inbound = TestPublisher.create();
		StepVerifier
			.withVirtualTime(() -> Watchdog.watch(inbound.flux(), () -> Duration.ofSeconds(10),
					reactor.core.scheduler.Schedulers.parallel()))
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(9999))
			.thenAwait(Duration.ofMillis(1))
			.expectError(PushConnectionException.class)
			.verify(WAIT);
	}

}

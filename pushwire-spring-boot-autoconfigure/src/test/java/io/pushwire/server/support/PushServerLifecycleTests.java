package io.pushwire.server.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.context.SmartLifecycle;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.InMemorySessionRegistry;
import io.pushwire.server.connection.ServerLimits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PushServerLifecycle} without connections (the drain of connections is
 * in {@link GracefulShutdownIntegrationTests}).
 */
class PushServerLifecycleTests {

	private final InMemorySessionRegistry sessions = new InMemorySessionRegistry(Duration.ofMinutes(1));

	private final ConnectionAdmission admission = new ConnectionAdmission(ServerLimits.defaults());

	private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	@Test
	void refusesNegativeDrainNamingTheProperty() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PushServerLifecycle(this.sessions, this.admission, Duration.ofSeconds(-1)))
			.withMessageContaining("pushwire.server.shutdown-drain");
	}

	@Test
	void stopsWithoutWaitingForTheDrainWhenNoClientIsConnected() {
		PushServerLifecycle lifecycle = new PushServerLifecycle(this.sessions, this.admission, Duration.ofSeconds(10),
				this.clock);
		lifecycle.start();
		AtomicInteger stopped = new AtomicInteger();
		lifecycle.stop(stopped::incrementAndGet);
		assertThat(lifecycle.isRunning()).isFalse();
		assertThat(this.admission.isAccepting()).isFalse();
		this.clock.advanceTime();
		assertThat(stopped).hasValue(1);
		this.clock.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(stopped).as("the callback runs once and the ticks end").hasValue(1);
	}

	@Test
	void acceptsAgainWhenStartedAfterAStop() {
		PushServerLifecycle lifecycle = new PushServerLifecycle(this.sessions, this.admission, Duration.ZERO,
				this.clock);
		lifecycle.start();
		lifecycle.stop();
		assertThat(lifecycle.isDraining()).isTrue();
		lifecycle.start();
		assertThat(lifecycle.isDraining()).isFalse();
		assertThat(this.admission.isAccepting()).isTrue();
		assertThat(lifecycle.isRunning()).isTrue();
	}

	@Test
	void stopsBeforeTheWebServersGracefulShutdown() {
		PushServerLifecycle lifecycle = new PushServerLifecycle(this.sessions, this.admission, Duration.ZERO);
		// Boot's WebServerGracefulShutdownLifecycle runs at DEFAULT_PHASE - 1024; higher
		// phases stop first.
		assertThat(lifecycle.getPhase()).isGreaterThan(SmartLifecycle.DEFAULT_PHASE - 1024);
	}

}

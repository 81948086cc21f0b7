package io.pushwire.autoconfigure.client;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.pushwire.client.PushClientEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MicrometerPushClientMetrics}.
 */
class MicrometerPushClientMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final MicrometerPushClientMetrics metrics = new MicrometerPushClientMetrics(this.registry);

	@Test
	void countsReconnectsGapsAndLostResumePoints() {
		this.metrics.onEvent(new PushClientEvent.ReconnectScheduled(Duration.ofSeconds(1), 1));
		this.metrics.onEvent(new PushClientEvent.ReconnectScheduled(Duration.ofSeconds(2), 2));
		this.metrics.onEvent(new PushClientEvent.Gap("chat:a", 3, 5));
		this.metrics.onEvent(new PushClientEvent.ResumeRequired("chat:a", 1, "e1"));
		assertThat(this.registry.get("pushwire.client.reconnects").counter().count()).isEqualTo(2);
		assertThat(this.registry.get("pushwire.client.gaps").counter().count()).isOne();
		assertThat(this.registry.get("pushwire.client.resume_required").counter().count()).isOne();
	}

	@Test
	void stateGaugeIsOneForTheCurrentStateOnly() {
		assertThat(state("disconnected")).isOne();
		this.metrics.onEvent(new PushClientEvent.Connecting("ws://localhost/rps", "websocket", 1));
		assertThat(state("connecting")).isOne();
		assertThat(state("disconnected")).isZero();
		this.metrics.onEvent(new PushClientEvent.Connected("c1", "websocket"));
		assertThat(state("connected")).isOne();
		assertThat(state("connecting")).isZero();
		this.metrics.onEvent(new PushClientEvent.Disconnected(1001, "shutdown"));
		assertThat(state("disconnected")).isOne();
		assertThat(state("connected")).isZero();
	}

	private double state(String state) {
		return this.registry.get("pushwire.client.state").tag("state", state).gauge().value();
	}

}

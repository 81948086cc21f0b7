package io.pushwire.server.connection;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pushwire.autoconfigure.metrics.MicrometerPushMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a connection records in its node's {@code PushMetrics}, read back from Micrometer
 * meters: sheds, slow notices, refused inbound messages, the queue sampled per drain, and
 * deliveries counted per batch by kind.
 */
class ConnectionMetricsTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final ConnectionFixture fixture = new ConnectionFixture(new ServerLimits(1000, 1000, 1, 1, 200));

	ConnectionMetricsTests() {
		this.fixture.node.factory().setMetrics(new MicrometerPushMetrics(this.registry, this.fixture.streams, 1024));
	}

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void shedConnectionIsCountedAndItsLifetimeTimedWithReasonSlowConsumer() {
		ConnectionFixture.Recorded recorded = this.fixture.started("alice", List.of("chat:a"));
		assertThat(active()).isOne();
		recorded.connection.queueFull();
		recorded.connection.terminated();
		recorded.connection.terminated();
		assertThat(this.registry.get("pushwire.shed").tag("transport", "test").counter().count()).isOne();
		assertThat(this.registry.get("pushwire.connections")
			.tag("transport", "test")
			.tag("reason", "slow_consumer")
			.timer()
			.count()).as("recorded once, however often terminated").isOne();
		assertThat(active()).isZero();
	}

	@Test
	void slowNoticeIsCounted() {
		ConnectionFixture.Recorded recorded = this.fixture.started("alice", List.of("chat:a"));
		recorded.connection.slow(100);
		assertThat(this.registry.get("pushwire.slow").tag("transport", "test").counter().count()).isOne();
		assertThat(recorded.labels()).contains("slow");
	}

	@Test
	void inboundMessageOverTheRateIsCountedAsRateLimited() {
		ConnectionFixture.Recorded recorded = this.fixture.started("alice", List.of());
		assertThat(recorded.connection.admitInbound()).isTrue();
		assertThat(recorded.connection.admitInbound()).isFalse();
		assertThat(this.registry.get("pushwire.rate_limited").tag("limit", "inbound_rate").counter().count()).isOne();
	}

	@Test
	void liveFramesAreCountedAsDeliveredByKindAndTheQueueSampledAtOneDrainInSixtyFour() {
		ConnectionFixture.Recorded recorded = this.fixture.started("alice", List.of("chat:a", "room:b"));
		long samples = this.registry.get("pushwire.queue.bytes").summary().count();
		// Each publish drains the queue at least once; one drain in
		// QUEUE_SAMPLE_INTERVAL is sampled.
		int published = OutboundQueue.QUEUE_SAMPLE_INTERVAL;
		for (int i = 0; i < published; i++) {
			this.fixture.node.publisher().publish("chat:a", "m" + i, null).block(ConnectionFixture.TIMEOUT);
		}
		this.fixture.node.publisher().publish("room:b", "r", null).block(ConnectionFixture.TIMEOUT);
		assertThat(recorded.labels()).contains("chat:a#" + published, "room:b#1");
		assertThat(delivered("chat")).isEqualTo(published);
		assertThat(delivered("room")).isEqualTo(1);
		long sampled = this.registry.get("pushwire.queue.bytes").summary().count() - samples;
		assertThat(sampled).isPositive().isLessThanOrEqualTo(published / 16);
	}

	private double active() {
		return this.registry.get("pushwire.connections.active").tag("transport", "test").gauge().value();
	}

	private double delivered(String kind) {
		return this.registry.get("pushwire.messages.delivered")
			.tag("kind", kind)
			.tag("transport", "test")
			.counter()
			.count();
	}

}

package io.pushwire.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.http.HttpHeaders;
import reactor.test.StepVerifier;

import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.autoconfigure.client.MicrometerPushClientMetrics;
import io.pushwire.autoconfigure.client.PushwireClientAutoConfiguration;
import io.pushwire.autoconfigure.client.PushwireClientMetricsAutoConfiguration;
import io.pushwire.autoconfigure.observation.PushwireObservationAutoConfiguration;
import io.pushwire.core.CloseReason;
import io.pushwire.core.SystemOp;
import io.pushwire.security.AuthRequest;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.ConnectionTransport;
import io.pushwire.server.observation.DefaultHandshakeObservationConvention;
import io.pushwire.server.observation.HandshakeObservationContext;
import io.pushwire.server.observation.HandshakeObservationConvention;
import io.pushwire.server.observation.PushMetrics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireMetricsAutoConfiguration} and
 * {@link PushwireObservationAutoConfiguration}: meters only with a {@link MeterRegistry},
 * observations only with an {@link ObservationRegistry}, and an application's convention
 * used in place of the default.
 */
class PushwireMetricsAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(PushwireServerAutoConfiguration.class, PushwireMetricsAutoConfiguration.class,
						PushwireObservationAutoConfiguration.class, PushwireClientAutoConfiguration.class,
						PushwireClientMetricsAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void recordsNothingWithoutAMeterRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(PushMetrics.class)
				.doesNotHaveBean(MicrometerPushClientMetrics.class);
			handshake(context.getBean(ConnectionFactory.class));
		});
	}

	@Test
	void bindsMicrometerMetricsToTheServerWhenThereIsAMeterRegistry() {
		this.contextRunner.withBean(SimpleMeterRegistry.class).run((context) -> {
			assertThat(context).hasSingleBean(MicrometerPushMetrics.class)
				.doesNotHaveBean(MicrometerPushClientMetrics.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("pushwire.streams.active").gauge().value()).isZero();
			handshake(context.getBean(ConnectionFactory.class));
			assertThat(registry.get("pushwire.auth.failures").tag("reason", "unauthorized").counter().count()).isOne();
			assertThat(registry.get("pushwire.connections").tag("transport", "websocket").timer().count()).isOne();
			assertThat(registry.get("pushwire.connections.active").tag("transport", "websocket").gauge().value())
				.isZero();
		});
	}

	@Test
	void addsTheClientMetersToAConfiguredClient() {
		this.contextRunner.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("pushwire.client.base-url=ws://localhost:1/rps", "pushwire.client.auto-connect=false")
			.run((context) -> {
				assertThat(context).hasSingleBean(MicrometerPushClientMetrics.class);
				assertThat(context.getBean(MeterRegistry.class).get("pushwire.client.state").gauges()).hasSize(3);
			});
	}

	@Test
	void applicationMetricsBeanReplacesMicrometers() {
		this.contextRunner.withBean(SimpleMeterRegistry.class)
			.withBean("customMetrics", PushMetrics.class, () -> new PushMetrics() {
			})
			.run((context) -> assertThat(context).doesNotHaveBean(MicrometerPushMetrics.class)
				.hasSingleBean(PushMetrics.class));
	}

	@Test
	void observesHandshakesWithTheDefaultConventionWhenThereIsAnObservationRegistry() {
		this.contextRunner.withBean(TestObservationRegistry.class, TestObservationRegistry::create).run((context) -> {
			handshake(context.getBean(ConnectionFactory.class));
			TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
				.hasObservationWithNameEqualTo("pushwire.handshake")
				.that()
				.hasLowCardinalityKeyValue("transport", "websocket")
				.hasLowCardinalityKeyValue("outcome", "unauthorized")
				.hasBeenStopped();
		});
	}

	@Test
	void observesHandshakesWithTheApplicationsConvention() {
		this.contextRunner.withBean(TestObservationRegistry.class, TestObservationRegistry::create)
			.withBean(HandshakeObservationConvention.class, CustomConvention::new)
			.run((context) -> {
				handshake(context.getBean(ConnectionFactory.class));
				TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
					.hasObservationWithNameEqualTo("custom.handshake")
					.that()
					.hasLowCardinalityKeyValue("outcome", "unauthorized")
					.hasLowCardinalityKeyValue("region", "eu");
			});
	}

	/** A handshake without credentials: refused (4001) by the default validator. */
	private static void handshake(ConnectionFactory factory) {
		RecordedTransport transport = new RecordedTransport();
		ClientConnection connection = factory.create(transport);
		connection.writeTo(new io.pushwire.server.connection.OutboundQueue.Writer() {

			@Override
			public boolean ready() {
				return true;
			}

			@Override
			public void write(io.pushwire.server.connection.Delivery delivery) {
			}

			@Override
			public void flush() {
			}

			@Override
			public void complete() {
			}

		});
		StepVerifier.create(connection.handshake(new SystemOp.Auth(null, null, List.of(), Map.of(), Map.of(), null),
				new AuthRequest(null, null, new HttpHeaders(), null)))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(connection.closeReason()).isEqualTo(CloseReason.UNAUTHORIZED);
		connection.terminated();
	}

	static class CustomConvention extends DefaultHandshakeObservationConvention {

		@Override
		public String getName() {
			return "custom.handshake";
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(HandshakeObservationContext context) {
			return super.getLowCardinalityKeyValues(context).and("region", "eu");
		}

	}

	static class RecordedTransport implements ConnectionTransport {

		@Override
		public String name() {
			return "websocket";
		}

		@Override
		public void heartbeat(ClientConnection connection) {
		}

		@Override
		public void abort(CloseReason reason) {
		}

	}

}

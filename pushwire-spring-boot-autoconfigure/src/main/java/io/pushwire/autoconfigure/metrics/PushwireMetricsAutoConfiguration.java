package io.pushwire.autoconfigure.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.ChannelPublisher;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.FrameDispatcher;
import io.pushwire.server.connection.PeerExchange;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.observation.PushMetrics;
import io.pushwire.server.rtc.RelayStatistics;
import io.pushwire.server.rtc.RtcExchange;
import io.pushwire.server.stream.ChannelStreamStore;

/**
 * Auto-configuration of the pushwire server's meters: {@link MicrometerPushMetrics} when
 * the application has a {@link MeterRegistry} bean (Spring Boot's, with or without
 * Actuator, or its own), bound to the connections, the publisher and the frame dispatcher
 * before the server starts, and the WebRTC relay's counts as {@code pushwire.relay.*}
 * meters when the server routes rooms. Without a registry nothing is recorded; an
 * application may declare its own {@link PushMetrics} bean instead.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PushwireServerAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnBean(ConnectionFactory.class)
public final class PushwireMetricsAutoConfiguration {

	@Bean
	SmartInitializingSingleton pushwireMetricsBinder(ObjectProvider<PushMetrics> metrics,
			ObjectProvider<ConnectionFactory> connections, ObjectProvider<ChannelPublisher> publisher,
			ObjectProvider<FrameDispatcher> frames) {
		return () -> metrics.ifUnique((bound) -> {
			connections.ifUnique((factory) -> factory.setMetrics(bound));
			publisher.ifUnique((target) -> target.setMetrics(bound));
			frames.ifUnique((target) -> target.setMetrics(bound));
		});
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MicrometerConfiguration {

		@Bean
		@ConditionalOnMissingBean(PushMetrics.class)
		MicrometerPushMetrics pushwireMetrics(MeterRegistry registry, ChannelStreamStore streams,
				PushServerSettings settings) {
			return new MicrometerPushMetrics(registry, streams, settings.maxQueuedBytes());
		}

		@Bean
		SmartInitializingSingleton pushwireRelayMetersBinder(MeterRegistry registry, ChannelRegistry channels,
				ObjectProvider<RtcExchange> rooms) {
			return () -> {
				// Only a server that routes rooms (the rtc kind is declared) relays.
				if (channels.isDeclared(PeerExchange.ROOM_KIND)) {
					rooms.ifUnique((exchange) -> bindRelayMeters(registry, exchange.statistics()));
				}
			};
		}

		// The relay counts lock-free itself; the meters read its counts when scraped.
		private static void bindRelayMeters(MeterRegistry registry, RelayStatistics relay) {
			FunctionCounter.builder("pushwire.relay.messages", relay, RelayStatistics::relayed)
				.description("Relay messages forwarded between WebRTC peers")
				.register(registry);
			FunctionCounter.builder("pushwire.relay.bytes", relay, RelayStatistics::relayedBytes)
				.description("Payload bytes relayed between WebRTC peers")
				.baseUnit("bytes")
				.register(registry);
			FunctionCounter.builder("pushwire.relay.refused", relay, RelayStatistics::rateLimited)
				.description("Relay messages refused by the sender's bandwidth limit (rate_limited)")
				.register(registry);
			FunctionCounter.builder("pushwire.relay.refused.bytes", relay, RelayStatistics::rateLimitedBytes)
				.description("Payload bytes of relay messages refused by the sender's bandwidth limit")
				.baseUnit("bytes")
				.register(registry);
		}

	}

}

package io.pushwire.autoconfigure.actuate;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.server.PushServer;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.stream.ChannelHub;
import io.pushwire.server.stream.ChannelStore;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.support.PushServerStatistics;

/**
 * Auto-configuration of the pushwire server's Actuator support: the {@code pushwire}
 * health indicator ({@code management.health.pushwire.enabled}) and the {@code pushwire}
 * endpoint (exposed like any other endpoint, with
 * {@code management.endpoints.web.exposure.include}). Applies where
 * {@link PushwireServerAutoConfiguration} has contributed a {@link PushServer}; each part
 * needs its own part of Actuator on the classpath.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PushwireServerAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(PushServer.class)
public final class PushwireActuatorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PushServerStatistics pushwireServerStatistics(SessionRegistry sessions, ChannelStore store,
			ChannelStreamStore streams, ChannelHub hub, ChannelRegistry channels, ConnectionAdmission admission) {
		return new PushServerStatistics(sessions, store, streams, hub, channels, admission);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(ReactiveHealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("pushwire")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "pushwireHealthIndicator")
		PushwireHealthIndicator pushwireHealthIndicator(PushServerStatistics statistics) {
			return new PushwireHealthIndicator(statistics);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(PushwireEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PushwireEndpoint pushwireEndpoint(PushServerStatistics statistics) {
			return new PushwireEndpoint(statistics);
		}

	}

}

package io.pushwire.autoconfigure.client;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

import io.pushwire.client.PushClient;

/**
 * Auto-configuration of the {@link PushClient}'s meters
 * ({@link MicrometerPushClientMetrics}) when the application has a {@link MeterRegistry}
 * bean and a client is configured ({@code pushwire.client.base-url}): a server-only
 * application shows no client meters.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = PushwireClientAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, PushClient.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "pushwire.client.enabled", matchIfMissing = true)
@Conditional(PushwireClientAutoConfiguration.OnBaseUrlCondition.class)
public final class PushwireClientMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MicrometerPushClientMetrics pushwireClientMetrics(MeterRegistry registry) {
		return new MicrometerPushClientMetrics(registry);
	}

}

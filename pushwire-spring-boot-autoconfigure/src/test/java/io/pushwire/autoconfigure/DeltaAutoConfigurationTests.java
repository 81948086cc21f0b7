package io.pushwire.autoconfigure;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import io.pushwire.autoconfigure.reactive.PushwireWebFluxAutoConfiguration;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.channel.DeltaMode;
import io.pushwire.server.connection.PushServerSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pushwire.server.channels.<kind>.delta} (PROTOCOL.md §8.3): the kinds that offer
 * deltas, the {@code delta:fossil} feature, and the failure that names a bad value.
 */
class DeltaAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
				PushwireWebFluxAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void aKindWithFossilDeltasMakesTheServerOfferThem() {
		this.contextRunner
			.withPropertyValues("pushwire.server.channels.doc.delta=fossil",
					"pushwire.server.channels.chat.priority=high")
			.run((context) -> {
				ChannelRegistry registry = context.getBean(ChannelRegistry.class);
				assertThat(registry.find("doc").delta()).isEqualTo(DeltaMode.FOSSIL);
				assertThat(registry.find("chat").delta()).isEqualTo(DeltaMode.NONE);
				assertThat(context.getBean(PushServerSettings.class).features()).contains("delta:fossil");
			});
	}

	@Test
	void withoutAKindThatOffersDeltasTheFeatureIsNotListed() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.doc.priority=normal")
			.run((context) -> assertThat(context.getBean(PushServerSettings.class).features())
				.doesNotContain("delta:fossil"));
	}

	@Test
	void anUnknownDeltaModeFailsTheStartupNamingTheProperty() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.doc.delta=xdelta")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("pushwire.server.channels.doc.delta")
				.hasStackTraceContaining("xdelta"));
	}

}

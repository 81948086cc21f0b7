package io.pushwire.autoconfigure.rtc;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import io.pushwire.autoconfigure.InvalidPushwirePropertyException;
import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.rtc.PeerPolicy;
import io.pushwire.server.rtc.RtcExchange;
import io.pushwire.server.rtc.RtcSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireRtcAutoConfiguration}.
 */
class PushwireRtcAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
				PushwireRtcAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void routesPeersWithTheProtocolsDefaultsOnceTheRtcKindIsDeclared() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.rtc.priority=normal").run((context) -> {
			assertThat(context).hasSingleBean(RtcExchange.class);
			assertThat(context).hasSingleBean(PeerPolicy.class);
			RtcSettings settings = context.getBean(RtcSettings.class);
			assertThat(settings.failureThreshold()).isEqualTo(3);
			assertThat(settings.retryBackoff()).hasSeconds(30);
			assertThat(settings.relayBytesPerSecond()).isEqualTo(256 * 1024);
			assertThat(settings.relayBurstBytes()).isEqualTo(1024 * 1024);
			assertThat(settings.turnTtl()).hasHours(1);
			assertThat(settings.turnSecret()).isNull();
			assertThat(context.getBean(PushServerSettings.class).features()).contains("rtc", "relay");
		});
	}

	@Test
	void offersNoRtcFeatureWithoutTheRtcKind() {
		this.contextRunner.run((context) -> assertThat(context.getBean(PushServerSettings.class).features())
			.doesNotContain("rtc", "relay"));
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner
			.withPropertyValues("pushwire.server.channels.rtc.priority=normal", "pushwire.server.rtc.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(RtcExchange.class);
				assertThat(context).doesNotHaveBean(PeerPolicy.class);
				assertThat(context.getBean(PushServerSettings.class).features()).doesNotContain("rtc", "relay");
			});
	}

	@Test
	void usesTheApplicationsPeerPolicy() {
		PeerPolicy nobody = (channel, sender, target) -> false;
		this.contextRunner.withPropertyValues("pushwire.server.channels.rtc.priority=normal")
			.withBean(PeerPolicy.class, () -> nobody)
			.run((context) -> assertThat(context.getBean(PeerPolicy.class)).isSameAs(nobody));
	}

	@Test
	void refusesToStartWithAnInvalidSettingNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("pushwire.server.rtc.failure-threshold=0",
					"pushwire.server.channels.rtc.priority=normal")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidPushwirePropertyException.class)
				.hasMessageContaining("pushwire.server.rtc.failure-threshold"));
		this.contextRunner
			.withPropertyValues("pushwire.server.rtc.retry-backoff=10m", "pushwire.server.channels.rtc.priority=normal")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pushwire.server.rtc.max-retry-backoff"));
	}

}

package io.pushwire.autoconfigure.client;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

import io.pushwire.client.CursorStore;
import io.pushwire.client.FileCursorStore;
import io.pushwire.client.PushClient;
import io.pushwire.client.PushCredentials;
import io.pushwire.client.RetryStrategy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireClientAutoConfiguration}.
 */
class PushwireClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireClientAutoConfiguration.class));

	@Test
	void offersAPrototypeBuilderButNoClientWithoutABaseUrl() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(PushwireClientProperties.class).doesNotHaveBean(PushClient.class);
			assertThat(context.getBean(PushClient.Builder.class))
				.isNotSameAs(context.getBean(PushClient.Builder.class));
		});
	}

	@Test
	void createsAClientThatConnectsOnStartWhenABaseUrlIsSet() {
		this.runner
			.withPropertyValues("pushwire.client.base-url=http://localhost:1/rps",
					"pushwire.client.reconnect.strategy=none")
			.run((context) -> {
				assertThat(context).hasSingleBean(PushClient.class).hasSingleBean(PushClientLifecycle.class);
				assertThat(context.getBean(PushClientLifecycle.class).isRunning()).isTrue();
			});
	}

	@Test
	void baseUrlsAlsoCreateAClient() {
		this.runner
			.withPropertyValues("pushwire.client.base-urls=http://a:8080/rps,http://b:8080/rps",
					"pushwire.client.auto-connect=false")
			.run((context) -> assertThat(context).hasSingleBean(PushClient.class)
				.doesNotHaveBean(PushClientLifecycle.class));
	}

	@Test
	void backsOffFromTheApplicationsOwnBeans() {
		this.runner.withUserConfiguration(OwnBeans.class)
			.withPropertyValues("pushwire.client.base-url=http://localhost:1/rps", "pushwire.client.auto-connect=false",
					"pushwire.client.token=static")
			.run((context) -> {
				assertThat(context).hasSingleBean(PushClient.class);
				assertThat(context.getBean(PushClient.class)).isSameAs(context.getBean("ownClient"));
				PushClient.Builder builder = context.getBean(PushClient.Builder.class);
				assertThat(builder).extracting("credentials").isSameAs(context.getBean(PushCredentials.class));
				assertThat(builder).extracting("cursorStore").isSameAs(context.getBean(CursorStore.class));
				assertThat(builder).extracting("retry").isSameAs(context.getBean(RetryStrategy.class));
			});
	}

	@Test
	void canBeSwitchedOff() {
		this.runner.withPropertyValues("pushwire.client.enabled=false", "pushwire.client.base-url=http://x/rps")
			.run((context) -> assertThat(context).doesNotHaveBean(PushClient.Builder.class)
				.doesNotHaveBean(PushClient.class));
	}

	@Test
	void aFileCursorStoreNeedsItsPath() {
		this.runner
			.withPropertyValues("pushwire.client.cursor-store=file", "pushwire.client.base-url=http://x/rps",
					"pushwire.client.auto-connect=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pushwire.client.cursor-store-path"));
	}

	@Test
	void aFileCursorStoreIsUsedWithItsPath() {
		this.runner
			.withPropertyValues("pushwire.client.cursor-store=file", "pushwire.client.cursor-store-path=build/c.txt")
			.run((context) -> assertThat(context.getBean(PushClient.Builder.class)).extracting("cursorStore")
				.isInstanceOf(FileCursorStore.class));
	}

	@Test
	void bindsTheBinaryFormatAndTheFragmentSize() {
		this.runner
			.withPropertyValues("pushwire.client.format=cbor", "pushwire.client.fragment-size=2KB",
					"pushwire.client.base-url=http://x/rps", "pushwire.client.auto-connect=false")
			.run((context) -> {
				PushClient.Builder builder = context.getBean(PushClient.Builder.class);
				assertThat(builder).extracting("format").isEqualTo("cbor");
				assertThat(builder).extracting("fragmentSize").isEqualTo(2048);
				assertThat(context).hasSingleBean(PushClient.class);
			});
	}

	@Test
	void usesJsonAndFragmentsOf64KibByDefault() {
		this.runner.run((context) -> {
			PushClient.Builder builder = context.getBean(PushClient.Builder.class);
			assertThat(builder).extracting("format").isEqualTo("json");
			assertThat(builder).extracting("fragmentSize").isEqualTo(64 * 1024);
		});
	}

	@Test
	void refusesAnUnknownFormatNamingTheProperty() {
		this.runner
			.withPropertyValues("pushwire.client.format=MsgPack", "pushwire.client.base-url=http://x/rps",
					"pushwire.client.auto-connect=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pushwire.client.format must be json, msgpack or cbor"));
	}

	@Test
	void refusesAFragmentSizeBelowTheHeadersAndOnePiece() {
		this.runner
			.withPropertyValues("pushwire.client.format=msgpack", "pushwire.client.fragment-size=1KB",
					"pushwire.client.base-url=http://x/rps", "pushwire.client.auto-connect=false")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("pushwire.client.fragment-size must be at least 1053 bytes"));
	}

	@Test
	void refusesAnInvalidReconnectConfiguration() {
		this.runner
			.withPropertyValues("pushwire.client.reconnect.factor=0.5", "pushwire.client.base-url=http://x/rps",
					"pushwire.client.auto-connect=false")
			.run((context) -> assertThat(context).getFailure().rootCause().hasMessageContaining("factor"));
	}

	@Test
	void presetsAndStrategiesComeFromProperties() {
		PushwireClientProperties.Reconnect reconnect = new PushwireClientProperties.Reconnect();
		reconnect.setJitter(0);
		reconnect.setPreset(PushwireClientProperties.Reconnect.Preset.FAST);
		RuntimeException error = new RuntimeException();
		assertThat(PushwireClientAutoConfiguration.retryStrategy(reconnect).nextDelay(error, 2))
			.contains(Duration.ofMillis(150));
		reconnect.setStrategy(PushwireClientProperties.Reconnect.Strategy.FIXED);
		reconnect.setMaxAttempts(1);
		assertThat(PushwireClientAutoConfiguration.retryStrategy(reconnect).nextDelay(error, 1))
			.contains(Duration.ofSeconds(1));
		assertThat(PushwireClientAutoConfiguration.retryStrategy(reconnect).nextDelay(error, 2)).isEmpty();
		reconnect.setStrategy(PushwireClientProperties.Reconnect.Strategy.NONE);
		assertThat(PushwireClientAutoConfiguration.retryStrategy(reconnect).nextDelay(error, 1)).isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnBeans {

		@Bean
		PushClient ownClient() {
			return PushClient.builder().baseUrl("http://own/rps").build();
		}

		@Bean
		PushCredentials credentials() {
			return () -> Mono.just("fresh");
		}

		@Bean
		CursorStore cursorStore() {
			return CursorStore.inMemory();
		}

		@Bean
		RetryStrategy retryStrategy() {
			return (error, attempt) -> Optional.empty();
		}

	}

}

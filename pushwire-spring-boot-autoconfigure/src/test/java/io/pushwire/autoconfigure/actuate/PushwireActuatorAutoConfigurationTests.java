package io.pushwire.autoconfigure.actuate;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.core.ChannelName;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ResumeToken;
import io.pushwire.server.PushServer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.stream.ChannelHub;
import io.pushwire.server.stream.ChannelStore;
import io.pushwire.server.stream.InMemoryChannelStreamStore;
import io.pushwire.server.stream.StoreHealth;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;
import io.pushwire.server.stream.StreamPosition;
import io.pushwire.server.stream.StreamReplay;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireActuatorAutoConfiguration}, {@link PushwireHealthIndicator}
 * and {@link PushwireEndpoint}: the conditions, and the JSON they answer.
 */
class PushwireActuatorAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
				PushwireActuatorAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=health,pushwire",
				"pushwire.server.channels.chat.priority=high", "pushwire.server.channels.chat.history-size=16",
				"pushwire.server.channels.chat.presence=true");

	@Test
	void contributesHealthIndicatorAndEndpoint() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(PushwireHealthIndicator.class);
			assertThat(context).hasBean("pushwireHealthIndicator");
			assertThat(context).hasSingleBean(PushwireEndpoint.class);
		});
	}

	@Test
	void contributesNothingWithoutActuator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(PushServer.class);
			assertThat(context).doesNotHaveBean(PushwireHealthIndicator.class);
			assertThat(context).doesNotHaveBean(PushwireEndpoint.class);
		});
	}

	@Test
	void contributesNothingWithoutPushServer() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PushwireActuatorAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(PushwireHealthIndicator.class);
				assertThat(context).doesNotHaveBean(PushwireEndpoint.class);
			});
	}

	@Test
	void healthIndicatorBacksOffWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.pushwire.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(PushwireHealthIndicator.class);
			assertThat(context).hasSingleBean(PushwireEndpoint.class);
		});
	}

	@Test
	void endpointBacksOffWhenNotExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health").run((context) -> {
			assertThat(context).doesNotHaveBean(PushwireEndpoint.class);
			assertThat(context).hasSingleBean(PushwireHealthIndicator.class);
		});
	}

	@Test
	void healthIsUpWithCountsAsDetails() {
		this.contextRunner.run((context) -> {
			publish(context, "chat:room", 3);
			JsonNode health = json(context, health(context));
			assertThat(health.path("status").asString()).isEqualTo("UP");
			JsonNode details = health.path("details");
			assertThat(details.path("connections").isObject()).isTrue();
			assertThat(details.path("activeStreams").asInt()).isEqualTo(1);
			assertThat(details.path("retainedBytes").asLong()).isPositive();
		});
	}

	@Test
	void healthIsOutOfServiceWhileDraining() {
		this.contextRunner.run((context) -> {
			context.getBean(ConnectionAdmission.class).stopAccepting();
			JsonNode health = json(context, health(context));
			assertThat(health.path("status").asString()).isEqualTo("OUT_OF_SERVICE");
			assertThat(health.path("details").path("draining").asBoolean()).isTrue();
			context.getBean(ConnectionAdmission.class).startAccepting();
			assertThat(health(context).getStatus().getCode()).isEqualTo("UP");
		});
	}

	@Test
	void healthIsDownWithTheStoresDetailWhenTheStoreCannotBeReached() {
		this.contextRunner.withUserConfiguration(UnreachableStoreConfiguration.class).run((context) -> {
			context.getBean(CheckedStore.class).failure = "connection refused";
			JsonNode health = json(context, health(context));
			assertThat(health.path("status").asString()).isEqualTo("DOWN");
			assertThat(health.path("details").path("store").asString()).isEqualTo("channel store: connection refused");
			context.getBean(CheckedStore.class).failure = null;
			assertThat(health(context).getStatus().getCode()).isEqualTo("UP");
		});
	}

	@Test
	void endpointDescribesKindsBusiestChannelsAndTotals() {
		this.contextRunner.run((context) -> {
			publish(context, "chat:quiet", 1);
			publish(context, "chat:busy", 4);
			ChannelHub hub = context.getBean(ChannelHub.class);
			for (int i = 0; i < 3; i++) {
				hub.add("chat:busy", listener());
			}
			hub.add("chat:quiet", listener());
			JsonNode body = json(context, context.getBean(PushwireEndpoint.class).pushwire().block(TIMEOUT));
			assertThat(body.path("accepting").asBoolean()).isTrue();
			assertThat(body.path("connections").path("total").asInt()).isZero();
			assertThat(body.path("activeStreams").asInt()).isEqualTo(2);
			assertThat(body.path("retainedBytes").asLong()).isPositive();
			JsonNode chat = null;
			for (JsonNode kind : body.path("kinds")) {
				if (kind.path("name").asString().equals("chat")) {
					chat = kind;
				}
			}
			assertThat(chat).isNotNull();
			assertThat(chat.path("priority").asString()).isEqualTo("high");
			assertThat(chat.path("historySize").asInt()).isEqualTo(16);
			assertThat(chat.path("presence").asBoolean()).isTrue();
			JsonNode channels = body.path("busiestChannels");
			assertThat(channels.size()).isEqualTo(2);
			assertThat(channels.get(0).path("channel").asString()).isEqualTo("chat:busy");
			assertThat(channels.get(0).path("subscribers").asInt()).isEqualTo(3);
			assertThat(channels.get(0).path("head").asLong()).isEqualTo(4);
			assertThat(channels.get(0).path("epoch").asString()).isNotEmpty();
			assertThat(channels.get(1).path("channel").asString()).isEqualTo("chat:quiet");
			assertThat(channels.get(1).path("head").asLong()).isEqualTo(1);
		});
	}

	@Test
	void endpointListsAtMostTheBusiestTwentyChannels() {
		this.contextRunner.run((context) -> {
			ChannelHub hub = context.getBean(ChannelHub.class);
			for (int channel = 0; channel < 30; channel++) {
				for (int i = 0; i <= channel; i++) {
					hub.add("chat:c" + channel, listener());
				}
			}
			JsonNode channels = json(context, context.getBean(PushwireEndpoint.class).pushwire().block(TIMEOUT))
				.path("busiestChannels");
			assertThat(channels.size()).isEqualTo(PushwireEndpoint.BUSIEST_CHANNELS);
			assertThat(channels.get(0).path("channel").asString()).isEqualTo("chat:c29");
			assertThat(channels.get(19).path("channel").asString()).isEqualTo("chat:c10");
			assertThat(channels.get(0).path("head").isNull()).isTrue();
		});
	}

	@Test
	void endpointSaysWhenTheNodeDrains() {
		this.contextRunner.run((context) -> {
			context.getBean(ConnectionAdmission.class).stopAccepting();
			JsonNode body = json(context, context.getBean(PushwireEndpoint.class).pushwire().block(TIMEOUT));
			assertThat(body.path("accepting").asBoolean()).isFalse();
		});
	}

	private static Health health(AssertableReactiveWebApplicationContext context) {
		return context.getBean(PushwireHealthIndicator.class).health().block(TIMEOUT);
	}

	private static JsonNode json(AssertableReactiveWebApplicationContext context, Object value) {
		JsonMapper mapper = context.getBean(JsonMapper.class);
		return mapper.readTree(mapper.writeValueAsString(value));
	}

	private static void publish(AssertableReactiveWebApplicationContext context, String channel, int count) {
		PushServer server = context.getBean(PushServer.class);
		for (int i = 0; i < count; i++) {
			server.publish(channel, Map.of("n", i)).block(TIMEOUT);
		}
	}

	private static StreamListener listener() {
		return new StreamListener() {

			@Override
			public void onFrame(StoredFrame frame) {
			}

			@Override
			public void onTransient(String channel, PreparedMessage frame) {
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	static class UnreachableStoreConfiguration {

		@Bean
		CheckedStore checkedStore() {
			return new CheckedStore(new InMemoryChannelStreamStore());
		}

	}

	/** A store whose health check fails while {@link #failure} is set. */
	static final class CheckedStore implements ChannelStore, StoreHealth {

		private final InMemoryChannelStreamStore delegate;

		volatile @Nullable String failure;

		CheckedStore(InMemoryChannelStreamStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public Mono<Check> checkHealth() {
			String current = this.failure;
			return Mono.just((current != null) ? Check.failed(current) : Check.ok());
		}

		@Override
		public Mono<StoredFrame> append(ChannelName channel, ChannelKind kind, JsonNode payload,
				@Nullable String clientId) {
			return this.delegate.append(channel, kind, payload, clientId);
		}

		@Override
		public Mono<StreamReplay> read(ChannelName channel, ChannelKind kind, ResumeToken.@Nullable Position from) {
			return this.delegate.read(channel, kind, from);
		}

		@Override
		public Mono<StreamPosition> position(String channel) {
			return this.delegate.position(channel);
		}

		@Override
		public int size() {
			return this.delegate.size();
		}

	}

}

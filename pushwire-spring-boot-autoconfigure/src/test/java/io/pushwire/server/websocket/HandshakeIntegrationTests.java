package io.pushwire.server.websocket;

import java.security.Principal;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ChannelName;
import io.pushwire.security.AuthValidator;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestWebSocketClient;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket handshake when authentication or authorization is slow: the handshake
 * timeout covers it, and nothing reaches the client before {@code auth_ok}.
 */
@SpringBootTest(classes = HandshakeIntegrationTests.App.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.gate.priority=normal", "pushwire.server.handshake-timeout=1s" })
class HandshakeIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	PushServer server;

	@Autowired
	App app;

	@Test
	void handshakeTimeoutClosesAConnectionWhoseAuthenticationNeverAnswers() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"hang\",\"capabilities\":[]}");
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("policy");
			assertThat(client.awaitClose().code()).isEqualTo(1008);
		}
	}

	@Test
	void sendToDuringASlowAuthorizationDoesNotReachTheClientBeforeAuthOk() throws InterruptedException {
		String clientId = UUID.randomUUID().toString();
		Sinks.One<Boolean> decision = this.app.holdNextAuthorization();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"token-sam\",\"client_id\":\"" + clientId
					+ "\",\"capabilities\":[\"gate:1\"]}");
			assertThat(this.app.authorizing.await(5, TimeUnit.SECONDS)).isTrue();
			this.server.sendTo(clientId, "gate:1", "too early").block(Duration.ofSeconds(5));
			assertThat(client.poll(Duration.ofMillis(300))).as("a message before auth_ok").isNull();
			decision.tryEmitValue(true);
			JsonNode first = client.next();
			assertThat(first.path("type").asString()).as("first message %s", first).isEqualTo("auth_ok");
			assertThat(first.path("heads").has("gate:1")).isTrue();
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
			"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
			"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration" })
	static class App {

		volatile CountDownLatch authorizing = new CountDownLatch(1);

		private volatile Sinks.One<Boolean> decision = Sinks.one();

		Sinks.One<Boolean> holdNextAuthorization() {
			this.authorizing = new CountDownLatch(1);
			this.decision = Sinks.one();
			return this.decision;
		}

		@Bean
		AuthValidator hangingAuthValidator() {
			return (request) -> {
				String token = request.token();
				if ("hang".equals(token)) {
					return Mono.never();
				}
				return (token != null && token.startsWith("token-"))
						? Mono.just((Principal) () -> token.substring("token-".length())) : Mono.empty();
			};
		}

		@Bean
		ChannelAuthorizer gatedChannelAuthorizer() {
			return new ChannelAuthorizer() {

				@Override
				public Mono<Boolean> canSubscribe(Principal principal, ChannelName channel, ChannelKind kind) {
					if (!"gate".equals(kind.name())) {
						return Mono.just(true);
					}
					Mono<Boolean> held = App.this.decision.asMono();
					App.this.authorizing.countDown();
					return held;
				}

				@Override
				public Mono<Boolean> canPublish(Principal principal, ChannelName channel, ChannelKind kind) {
					return Mono.just(true);
				}

			};
		}

	}

}

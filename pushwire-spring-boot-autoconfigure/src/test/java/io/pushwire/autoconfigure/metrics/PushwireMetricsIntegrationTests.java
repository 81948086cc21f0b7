package io.pushwire.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestSseClient;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server's meters and observations end to end: a real server, real WebSocket and SSE
 * clients, Micrometer's {@link SimpleMeterRegistry} and a
 * {@link TestObservationRegistry}.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal", "pushwire.server.channels.news.priority=high",
				"pushwire.server.channels.fail.priority=normal" })
@Import(PushwireMetricsIntegrationTests.Registries.class)
class PushwireMetricsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meters;

	@Autowired
	TestObservationRegistry observations;

	@Autowired
	PushServer pushServer;

	@BeforeEach
	void clearObservations() {
		this.observations.clear();
	}

	@Test
	void webSocketConnectionsGoUpAndBackToZeroAndTheirLifetimeIsTimedByReason() {
		await().atMost(WAIT).until(() -> active("websocket") == 0);
		long timedBefore = lifetimes("websocket", "normal");
		try (TestWebSocketClient first = TestWebSocketClient.connect(this.port);
				TestWebSocketClient second = TestWebSocketClient.connect(this.port)) {
			first.auth("token-alice", null, List.of());
			second.auth("token-bob", null, List.of());
			assertThat(active("websocket")).isEqualTo(2);
		}
		await().atMost(WAIT).until(() -> active("websocket") == 0);
		assertThat(lifetimes("websocket", "normal")).isEqualTo(timedBefore + 2);
	}

	@Test
	void sseConnectionsGoUpAndBackToZero() {
		await().atMost(WAIT).until(() -> active("sse") == 0);
		try (TestSseClient client = TestSseClient.connect(this.port, "token=token-alice&channels=" + channel("news"))) {
			client.expectSystem("auth_ok");
			assertThat(active("sse")).isEqualTo(1);
		}
		await().atMost(WAIT).until(() -> active("sse") == 0);
	}

	@Test
	void messagesAreCountedByKindAndTransport() {
		String news = channel("news");
		String chat = channel("chat");
		double newsDelivered = count("pushwire.messages.delivered", "news", "websocket");
		double newsPublished = count("pushwire.messages.published", "news", "server");
		double chatReceived = count("pushwire.messages.received", "chat", "websocket");
		double chatPublished = count("pushwire.messages.published", "chat", "websocket");
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of(news, chat));
			for (int i = 0; i < 3; i++) {
				this.pushServer.publish(news, Map.of("n", i)).block(WAIT);
			}
			assertThat(client.frames(3)).hasSize(3);
			client.send(Map.of("channel", chat, "payload", Map.of("text", "hi")));
			assertThat(client.expectFrame().path("channel").asString()).isEqualTo(chat);
		}
		assertThat(count("pushwire.messages.published", "news", "server")).isEqualTo(newsPublished + 3);
		assertThat(count("pushwire.messages.delivered", "news", "websocket")).isEqualTo(newsDelivered + 3);
		assertThat(count("pushwire.messages.received", "chat", "websocket")).isEqualTo(chatReceived + 1);
		assertThat(count("pushwire.messages.published", "chat", "websocket")).isEqualTo(chatPublished + 1);
		assertThat(this.meters.find("pushwire.messages.delivered").meters())
			.allSatisfy((meter) -> assertThat(meter.getId().getTags()).extracting("key")
				.containsExactlyInAnyOrder("kind", "transport"));
	}

	@Test
	void serverThatRoutesNoRoomsHasNoRelayMeters() {
		// The rtc kind is not declared here; RtcIntegrationTests checks them where it is.
		assertThat(this.meters.find("pushwire.relay.bytes").meters()).isEmpty();
	}

	@Test
	void resumeFromAnotherEpochIsCountedAsResumeRequiredAndTheReplayAsReplayedFrames() {
		String news = channel("news");
		this.pushServer.publish(news, "one").block(WAIT);
		this.pushServer.publish(news, "two").block(WAIT);
		double required = this.meters.get("pushwire.replay.resume_required").counter().count();
		double replayed = count("pushwire.replay.frames", "news", "websocket");
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"token-alice\",\"capabilities\":[\"" + news
					+ "\"],\"resume_cursors\":{\"" + news + "\":1},\"resume_epochs\":{\"" + news + "\":\"gone\"}}");
			client.expect("auth_ok");
			client.expect("resume_required");
			assertThat(client.frames(2)).hasSize(2);
		}
		assertThat(this.meters.get("pushwire.replay.resume_required").counter().count()).isEqualTo(required + 1);
		assertThat(count("pushwire.replay.frames", "news", "websocket")).isEqualTo(replayed + 2);
	}

	@Test
	void refusedHandshakeIsCountedAsAnAuthFailureByReasonAndObservedWithItsOutcome() {
		double before = authFailures("unauthorized");
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"wrong\"}");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
		assertThat(authFailures("unauthorized")).isEqualTo(before + 1);
		await().atMost(WAIT)
			.untilAsserted(() -> TestObservationRegistryAssert.assertThat(this.observations)
				.hasObservationWithNameEqualTo("pushwire.handshake")
				.that()
				.hasLowCardinalityKeyValue("transport", "websocket")
				.hasLowCardinalityKeyValue("outcome", "unauthorized")
				.hasBeenStopped());
	}

	@Test
	void handshakesAndHandlerInvocationsAreObservedWithLowCardinalityKeys() {
		String chat = channel("chat");
		String fail = channel("fail");
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of(chat));
			client.send(Map.of("channel", chat, "payload", Map.of("text", "hi")));
			client.expectFrame();
			client.send(Map.of("channel", fail, "payload", Map.of("text", "boom")));
			assertThat(client.expect("error").path("code").asString()).isEqualTo("internal");
		}
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasObservationWithNameEqualTo("pushwire.handshake")
			.that()
			.hasLowCardinalityKeyValue("transport", "websocket")
			.hasLowCardinalityKeyValue("outcome", "success")
			.hasBeenStopped();
		TestObservationRegistryAssert.assertThat(this.observations).hasHandledContextsThatSatisfy((contexts) -> {
			assertThat(contexts).filteredOn((context) -> "pushwire.handler".equals(context.getName()))
				.extracting((context) -> context.getLowCardinalityKeyValue("kind").getValue() + "/"
						+ context.getLowCardinalityKeyValue("outcome").getValue())
				.containsExactlyInAnyOrder("chat/success", "fail/internal");
			assertThat(contexts).filteredOn((context) -> "pushwire.handler".equals(context.getName()))
				.allSatisfy((context) -> assertThat(
						context.getLowCardinalityKeyValues().stream().map((keyValue) -> keyValue.getKey()))
					.containsExactlyInAnyOrder("kind", "outcome"));
		});
	}

	@Test
	void sseHandshakeIsObserved() {
		try (TestSseClient client = TestSseClient.connect(this.port, "token=token-alice&channels=" + channel("news"))) {
			client.expectSystem("auth_ok");
		}
		TestObservationRegistryAssert.assertThat(this.observations)
			.hasObservationWithNameEqualTo("pushwire.handshake")
			.that()
			.hasLowCardinalityKeyValue("transport", "sse")
			.hasLowCardinalityKeyValue("outcome", "success");
	}

	private double active(String transport) {
		return this.meters.get("pushwire.connections.active").tag("transport", transport).gauge().value();
	}

	private long lifetimes(String transport, String reason) {
		Search search = this.meters.find("pushwire.connections").tag("transport", transport).tag("reason", reason);
		return (search.timer() != null) ? search.timer().count() : 0;
	}

	private double count(String name, String kind, String transport) {
		Search search = this.meters.find(name).tag("kind", kind).tag("transport", transport);
		return (search.counter() != null) ? search.counter().count() : 0;
	}

	private double authFailures(String reason) {
		Search search = this.meters.find("pushwire.auth.failures").tag("reason", reason);
		return (search.counter() != null) ? search.counter().count() : 0;
	}

	private static String channel(String kind) {
		return kind + ":" + UUID.randomUUID().toString().substring(0, 8);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Registries {

		@Bean
		SimpleMeterRegistry simpleMeterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		TestObservationRegistry testObservationRegistry() {
			return TestObservationRegistry.create();
		}

	}

}

package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushIntegrationTest;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The WebSocket protocol end to end over the plain {@code WebSocketSession.send} path,
 * the one a server other than Reactor Netty (or a WebFlux without the fast path's hook)
 * takes: the fast path is turned off for the sessions these tests open.
 */
@PushIntegrationTest
class PlainSendIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@BeforeEach
	void plainSendPath() {
		ReactorNettyAccess.fastPath(false);
	}

	@AfterEach
	void fastPathAgain() {
		ReactorNettyAccess.fastPath(true);
	}

	@Test
	void subscribesReceivesAcknowledgesAndResumesFromTheAcknowledgedCursor() {
		String channel = "chat:plain-" + UUID.randomUUID().toString().substring(0, 8);
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", clientId, List.of());
			client.send("{\"type\":\"subscribe\",\"channels\":[\"" + channel + "\"]}");
			assertThat(client.expect("subscribed").toString()).contains(channel);
			for (int i = 1; i <= 3; i++) {
				this.pushServer.publish(channel, "m" + i).block(WAIT);
			}
			List<JsonNode> frames = client.frames(3);
			for (int i = 0; i < 3; i++) {
				assertThat(frames.get(i).path("channel").asString()).isEqualTo(channel);
				assertThat(frames.get(i).path("cursor").asLong()).isEqualTo(i + 1);
				assertThat(frames.get(i).path("payload").asString()).isEqualTo("m" + (i + 1));
			}
			assertThat(this.pushServer.publishTransient(channel, "fleeting").block(WAIT)).isEqualTo(1);
			JsonNode fleeting = client.expectFrame();
			assertThat(fleeting.path("payload").asString()).isEqualTo("fleeting");
			assertThat(fleeting.has("cursor")).isFalse();
			assertThat(this.pushServer.sendTo(clientId, channel, "direct").block(WAIT)).isTrue();
			assertThat(client.expectFrame().path("payload").asString()).isEqualTo("direct");
			client.send("{\"type\":\"ack\",\"channel\":\"" + channel + "\",\"cursor\":2}");
			client.send("{\"type\":\"ping\"}");
			client.expect("pong");
		}
		try (TestWebSocketClient again = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = again.auth("token-alice", clientId, List.of(channel));
			assertThat(ok.path("resume_cursors").path(channel).asLong()).isEqualTo(2);
			JsonNode replayed = again.expectFrame();
			assertThat(replayed.path("cursor").asLong()).isEqualTo(3);
			assertThat(replayed.path("payload").asString()).isEqualTo("m3");
		}
	}

	@Test
	void serverCloseSendsTheGoodbyeAndTheCloseCode() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"wrong\",\"capabilities\":[\"chat:x\"]}");
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("unauthorized");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
	}

	@Test
	void clientCloseEndsTheSession() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", clientId, List.of("chat:plain-close"));
			assertThat(this.pushServer.session(clientId))
				.hasValueSatisfying((session) -> assertThat(session.isConnected()).isTrue());
		}
		await().atMost(WAIT)
			.until(() -> !this.pushServer.session(clientId).map((session) -> session.isConnected()).orElse(false));
	}

}

package io.pushwire.server.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ResumeToken;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushSession;
import io.pushwire.server.TestWebSocketClient;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.SessionRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sessions across nodes (PROTOCOL.md §13): two application nodes on one real Redis, with
 * real WebSocket clients. Every test uses principals and client ids of its own, so the
 * tests share the nodes. Until channel streams are shared too, these tests do not rely on
 * frames published on one node reaching another node's subscribers.
 */
class RedisSessionsIntegrationTests {

	private static RedisNodes nodes;

	@BeforeAll
	static void startNodes() {
		nodes = RedisNodes.start(RedisTestServer.shared(), 2, "pushwire.server.channels.chat.history-size=100",
				"pushwire.server.channels.room.presence=true", "pushwire.server.max-connections-per-principal=2",
				"pushwire.server.heartbeat=30s");
	}

	@AfterAll
	static void stopNodes() {
		nodes.close();
	}

	@Test
	void connectionWithAClientIdConnectedToAnotherNodeReplacesItThereWith4009() {
		String user = user();
		String clientId = id();
		try (TestWebSocketClient first = TestWebSocketClient.connect(nodes.port(0));
				TestWebSocketClient second = TestWebSocketClient.connect(nodes.port(1))) {
			first.auth(token(user), clientId, List.of());
			second.auth(token(user), clientId, List.of());
			assertThat(first.awaitClose().code()).isEqualTo(4009);
			assertThat(second.isClosed()).isFalse();
			assertThat(nodes.bean(1, SessionRegistry.class).local(clientId).isConnected()).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !nodes.bean(0, SessionRegistry.class).local(clientId).isConnected());
		}
	}

	@Test
	void clientIdOfAnotherPrincipalIsRefusedWith4003OnAnotherNode() {
		String clientId = id();
		try (TestWebSocketClient owner = TestWebSocketClient.connect(nodes.port(0));
				TestWebSocketClient intruder = TestWebSocketClient.connect(nodes.port(1))) {
			owner.auth(token(user()), clientId, List.of());
			intruder
				.send(Map.of("type", "auth", "token", token(user()), "client_id", clientId, "capabilities", List.of()));
			assertThat(intruder.awaitClose().code()).isEqualTo(4003);
			assertThat(owner.isClosed()).isFalse();
		}
		// Detached, the session still belongs to its principal.
		try (TestWebSocketClient intruder = TestWebSocketClient.connect(nodes.port(1))) {
			intruder
				.send(Map.of("type", "auth", "token", token(user()), "client_id", clientId, "capabilities", List.of()));
			assertThat(intruder.awaitClose().code()).isEqualTo(4003);
		}
	}

	@Test
	void acknowledgementMadeOnOneNodeIsSeenByAnotherRightAfter() {
		String user = user();
		String clientId = id();
		String channel = "chat:" + id();
		try (TestWebSocketClient client = TestWebSocketClient.connect(nodes.port(0))) {
			JsonNode ok = client.auth(token(user), clientId, List.of(channel));
			String epoch = ok.path("epochs").path(channel).asString();
			for (int i = 0; i < 3; i++) {
				nodes.bean(0, PushServer.class).publish(channel, Map.of("n", i)).block(TestWebSocketClient.TIMEOUT);
			}
			assertThat(client.frames(3)).hasSize(3);
			client.send(Map.of("type", "ack", "channel", channel, "cursor", 3));
			// The ack op has no answer: wait (bounded) until node 1 reads it from Redis.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> new ResumeToken.Position(3, epoch).equals(nodes.bean(1, SessionRegistry.class)
					.find(clientId)
					.map((session) -> session.acknowledged().getOrDefault(channel, new ResumeToken.Position(0, "")))
					.block(TestWebSocketClient.TIMEOUT)));
		}
		try (TestWebSocketClient moved = TestWebSocketClient.connect(nodes.port(1))) {
			moved.auth(token(user), clientId, List.of());
			DefaultPushSession session = nodes.bean(1, SessionRegistry.class).local(clientId);
			assertThat(session.acknowledged(channel)).isNotNull();
			assertThat(session.acknowledged(channel).cursor()).isEqualTo(3);
		}
	}

	@Test
	void sendToReachesAClientConnectedToAnotherNode() {
		String clientId = id();
		try (TestWebSocketClient client = TestWebSocketClient.connect(nodes.port(1))) {
			client.auth(token(user()), clientId, List.of());
			Boolean sent = nodes.bean(0, PushServer.class)
				.sendTo(clientId, "chat:direct", Map.of("text", "hello"))
				.block(TestWebSocketClient.TIMEOUT);
			assertThat(sent).isTrue();
			JsonNode frame = client.expectFrame();
			assertThat(frame.path("channel").asString()).isEqualTo("chat:direct");
			assertThat(frame.path("payload").path("text").asString()).isEqualTo("hello");
		}
		assertThat(nodes.bean(0, PushServer.class)
			.sendTo(id(), "chat:direct", "nobody")
			.block(TestWebSocketClient.TIMEOUT)).isFalse();
	}

	@Test
	void connectedClientsOnEveryNodeListsTheClientsOfBothNodes() {
		String user = user();
		String onZero = id();
		String onOne = id();
		try (TestWebSocketClient zero = TestWebSocketClient.connect(nodes.port(0));
				TestWebSocketClient one = TestWebSocketClient.connect(nodes.port(1))) {
			zero.auth(token(user), onZero, List.of());
			one.auth(token(user), onOne, List.of());
			for (int node = 0; node < 2; node++) {
				List<PushSession> sessions = nodes.bean(node, PushServer.class)
					.connectedClientsOnEveryNode()
					.block(TestWebSocketClient.TIMEOUT);
				assertThat(sessions).filteredOn((session) -> session.principal().getName().equals(user))
					.extracting(PushSession::clientId)
					.containsExactlyInAnyOrder(onZero, onOne);
			}
			assertThat(nodes.bean(0, PushServer.class).connectedClients()).extracting(PushSession::clientId)
				.contains(onZero)
				.doesNotContain(onOne);
		}
	}

	@Test
	void maxConnectionsPerPrincipalCountsTheConnectionsOfEveryNode() {
		String user = user();
		try (TestWebSocketClient zero = TestWebSocketClient.connect(nodes.port(0));
				TestWebSocketClient one = TestWebSocketClient.connect(nodes.port(1));
				TestWebSocketClient third = TestWebSocketClient.connect(nodes.port(0))) {
			zero.auth(token(user), id(), List.of());
			one.auth(token(user), id(), List.of());
			third.send(Map.of("type", "auth", "token", token(user), "client_id", id(), "capabilities", List.of()));
			JsonNode error = third.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("rate_limited");
			assertThat(error.path("message").asString()).contains("all nodes");
			assertThat(third.awaitClose().code()).isEqualTo(1008);
			one.close();
			// Node 1 counts the connection out once it saw it end.
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				try (TestWebSocketClient again = TestWebSocketClient.connect(nodes.port(0))) {
					again.auth(token(user), id(), List.of());
				}
			});
		}
	}

	private static String token(String user) {
		return "token-" + user;
	}

	private static String user() {
		return "user-" + UUID.randomUUID();
	}

	private static String id() {
		return UUID.randomUUID().toString();
	}

}

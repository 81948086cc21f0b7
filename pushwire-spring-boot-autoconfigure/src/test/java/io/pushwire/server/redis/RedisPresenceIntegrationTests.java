package io.pushwire.server.redis;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PresenceMember;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushSession;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence across nodes (PROTOCOL.md §12, §13): two application nodes on one real Redis,
 * with real WebSocket clients; {@code room} has presence and join-leave. The heartbeat is
 * long, so a prompt {@code leave} cannot come from a heartbeat timeout. A node cut off
 * from Redis (as if it crashed) holds a lease that is short here ({@code node-ttl} 1s,
 * renewed every 200ms): its members' leaves arrive once it ran out, which the test waits
 * for with the client's bounded wait for the next message (no fixed sleep).
 */
class RedisPresenceIntegrationTests {

	private static final String[] PROPERTIES = { "pushwire.server.channels.room.presence=true",
			"pushwire.server.channels.room.join-leave=true", "pushwire.server.heartbeat=30s",
			"pushwire.server.redis.node-heartbeat=200ms", "pushwire.server.redis.node-ttl=1s" };

	@Test
	void presenceAndJoinLeaveCoverEveryNode() {
		String room = "room:" + UUID.randomUUID();
		try (RedisNodes nodes = RedisNodes.start(RedisTestServer.shared(), 2, PROPERTIES);
				TestWebSocketClient alice = TestWebSocketClient.connect(nodes.port(0));
				TestWebSocketClient bob = TestWebSocketClient.connect(nodes.port(1));
				TestWebSocketClient carol = TestWebSocketClient.connect(nodes.port(0))) {
			String aliceId = alice.auth("token-alice", null, List.of(room)).path("client_id").asString();
			String bobId = bob.auth("token-bob", null, List.of(room)).path("client_id").asString();
			JsonNode join = alice.expect("join");
			assertThat(join.path("channel").asString()).isEqualTo(room);
			assertThat(join.path("client_id").asString()).isEqualTo(bobId);
			assertThat(join.path("user").asString()).isEqualTo("bob");
			carol.auth("token-carol", null, List.of());
			carol.send(Map.of("type", "presence", "channel", room));
			JsonNode list = carol.expect("presence_list");
			assertThat(list.path("clients")
				.valueStream()
				.map((entry) -> entry.path("client_id").asString() + "/" + entry.path("user").asString()))
				.containsExactlyInAnyOrder(aliceId + "/alice", bobId + "/bob");
			for (int node = 0; node < 2; node++) {
				assertThat(nodes.bean(node, PushServer.class).presence(room).block(TestWebSocketClient.TIMEOUT))
					.extracting(PresenceMember::clientId)
					.containsExactlyInAnyOrder(aliceId, bobId);
			}
			bob.close();
			JsonNode leave = alice.expect("leave");
			assertThat(leave.path("client_id").asString()).isEqualTo(bobId);
			assertThat(leave.path("user").asString()).isEqualTo("bob");
			assertThat(nodes.bean(1, PushServer.class).presence(room).block(TestWebSocketClient.TIMEOUT))
				.extracting(PresenceMember::clientId)
				.containsExactly(aliceId);
			// Bob never saw his own join, and Alice hers: nothing else arrived.
			alice.expectSilence(java.time.Duration.ofMillis(200));
		}
	}

	@Test
	void membersOfANodeCutOffFromRedisLeaveOnceItsLeaseRunsOut() {
		String room = "room:" + UUID.randomUUID();
		try (RedisNodes nodes = RedisNodes.start(RedisTestServer.shared(), 2, PROPERTIES);
				TestWebSocketClient alice = TestWebSocketClient.connect(nodes.port(0));
				TestWebSocketClient bob = TestWebSocketClient.connect(nodes.port(1))) {
			String aliceId = alice.auth("token-alice", null, List.of(room)).path("client_id").asString();
			String bobId = bob.auth("token-bob", null, List.of(room)).path("client_id").asString();
			assertThat(alice.expect("join").path("client_id").asString()).isEqualTo(bobId);
			long killedAt = System.nanoTime();
			nodes.cutOffFromRedis(1);
			JsonNode leave = alice.expect("leave");
			long afterMillis = (System.nanoTime() - killedAt) / 1_000_000;
			assertThat(leave.path("client_id").asString()).isEqualTo(bobId);
			assertThat(afterMillis).as("leave after the lease (1s) ran out, within a few seconds")
				.isBetween(200L, 5000L);
			assertThat(nodes.bean(0, PushServer.class).presence(room).block(TestWebSocketClient.TIMEOUT))
				.extracting(PresenceMember::clientId)
				.containsExactly(aliceId);
			assertThat(nodes.bean(0, PushServer.class).connectedClientsOnEveryNode().block(TestWebSocketClient.TIMEOUT))
				.extracting(PushSession::clientId)
				.contains(aliceId)
				.doesNotContain(bobId);
		}
	}

}

package io.pushwire.server.rtc;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ProtocolException;
import io.pushwire.server.PeerRouteMode;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestSseClient;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * WebRTC rooms end to end (PROTOCOL.md §10) over real WebSockets: signaling, discovery,
 * TURN credentials, routes and the relay. Time (route backoff, TURN expiry, bucket
 * refill) runs on a virtual clock that each test moves itself. Silence is proven with a
 * barrier: a client's {@code ping} is answered after everything queued for it before.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.rtc.priority=normal", "pushwire.server.channels.news.priority=normal",
				"pushwire.server.heartbeat=30s", "pushwire.server.rtc.retry-backoff=10s",
				"pushwire.server.rtc.max-retry-backoff=20s", "pushwire.server.rtc.relay.bytes-per-second=1000B",
				"pushwire.server.rtc.relay.burst-bytes=2000B", "pushwire.server.rtc.turn.secret=test-turn-secret",
				"pushwire.server.rtc.turn.ttl=10m", "pushwire.server.rtc.turn.server=turn:127.0.0.1:3478" })
class RtcIntegrationTests {

	private static final Duration PROMPTLY = Duration.ofSeconds(5);

	private static final Instant NOW = Instant.parse("2026-11-30T08:00:00Z");

	@LocalServerPort
	int port;

	@Autowired
	RtcExchange exchange;

	@Autowired
	PushServer pushServer;

	@Autowired
	MeterRegistry meters;

	private VirtualTimeScheduler clock;

	@BeforeEach
	void virtualTime() {
		this.clock = VirtualTimeScheduler.create();
		this.clock.advanceTimeTo(NOW);
		this.exchange.setTimers(this.clock);
	}

	@Test
	void authOkListsRtcAndRelay() {
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = alice.auth("token-alice", null, List.of());
			assertThat(ok.path("features").valueStream().map(JsonNode::asString)).contains("rtc", "relay");
		}
	}

	@Test
	void deliversSignalingToItsTargetOnlyWithTheSenderAsFromWhateverFromWasSent() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port);
				TestWebSocketClient carol = TestWebSocketClient.connect(this.port)) {
			String aliceId = join(alice, "alice", room);
			String bobId = join(bob, "bob", room);
			String carolId = join(carol, "carol", room);
			alice.send(Map.of("channel", room, "payload", Map.of("type", "offer", "to", bobId, "sdp", "v=0 offer",
					"from", carolId, "meta", Map.of("video", true))));
			JsonNode offer = bob.expectFrame();
			assertThat(offer.path("channel").asString()).isEqualTo(room);
			assertThat(offer.has("cursor")).isFalse();
			assertThat(offer.path("client_id").asString()).isEqualTo(aliceId);
			assertThat(offer.path("payload").path("type").asString()).isEqualTo("offer");
			assertThat(offer.path("payload").path("from").asString()).isEqualTo(aliceId);
			assertThat(offer.path("payload").path("sdp").asString()).isEqualTo("v=0 offer");
			assertThat(offer.path("payload").path("meta").path("video").asBoolean()).isTrue();
			bob.send(Map.of("channel", room, "payload", Map.of("type", "answer", "to", aliceId, "sdp", "v=0 answer")));
			JsonNode answer = alice.expectFrame();
			assertThat(answer.path("payload").path("from").asString()).isEqualTo(bobId);
			assertThat(answer.path("payload").path("sdp").asString()).isEqualTo("v=0 answer");
			// No echo to the sender, nothing to the third peer.
			barrier(bob);
			barrier(alice);
			barrier(carol);
		}
	}

	@Test
	void signalingIsNeitherStoredNorReplayed() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			join(alice, "alice", room);
			String bobId = join(bob, "bob", room);
			alice.send(Map.of("channel", room, "payload", Map.of("type", "offer", "to", bobId, "sdp", "x")));
			bob.expectFrame();
			try (TestWebSocketClient late = TestWebSocketClient.connect(this.port)) {
				late.auth("token-carol", null, List.of());
				late.send(Map.of("type", "subscribe", "channels", List.of(room), "cursors", Map.of(room, 0)));
				JsonNode subscribed = late.expect("subscribed");
				assertThat(subscribed.path("heads").path(room).asLong()).isZero();
				barrier(late);
			}
		}
	}

	@Test
	void refusesATargetThatIsNotAnotherPeerOfTheRoomWithNotConnected() {
		String room = room();
		String otherRoom = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port);
				TestWebSocketClient news = TestWebSocketClient.connect(this.port);
				TestSseClient sse = TestSseClient.connect(this.port, "token=token-dave&channels=" + room)) {
			String aliceId = join(alice, "alice", room);
			String bobId = join(bob, "bob", otherRoom);
			String topic = room.substring("rtc:".length());
			String newsId = news.auth("token-erin", null, List.of("news:" + topic)).path("client_id").asString();
			String sseId = sse.expectSystem("auth_ok").path("client_id").asString();
			for (String to : List.of(UUID.randomUUID().toString(), bobId, newsId, sseId, aliceId, "not-a-uuid")) {
				alice.send(Map.of("channel", room, "payload", Map.of("type", "candidate", "to", to, "candidate", "c")));
				JsonNode error = alice.expect("error");
				assertThat(error.path("code").asString()).as(to).isEqualTo("not_connected");
				assertThat(error.path("channel").asString()).isEqualTo(room);
			}
			barrier(bob);
			barrier(news);
		}
	}

	@Test
	void refusesMalformedSignalingWithBadMessageAndASenderOutsideTheRoomWithForbidden() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			join(alice, "alice", room);
			String bobId = join(bob, "bob", room);
			List<Object> payloads = List.of("text", Map.of("to", bobId), Map.of("type", "peer_list", "to", bobId),
					Map.of("type", "offer", "to", bobId), Map.of("type", "candidate", "to", 7, "candidate", "c"),
					Map.of("type", "candidate_batch", "to", bobId, "candidates", List.of("a", 1)),
					Map.of("type", "peer_discovery", "room", "elsewhere"));
			for (Object payload : payloads) {
				alice.send(Map.of("channel", room, "payload", payload));
				JsonNode error = alice.expect("error");
				assertThat(error.path("code").asString()).as("%s", payload).isEqualTo("bad_message");
				assertThat(error.path("channel").asString()).isEqualTo(room);
			}
			try (TestWebSocketClient outsider = TestWebSocketClient.connect(this.port)) {
				outsider.auth("token-mallory", null, List.of());
				outsider.send(Map.of("channel", room, "payload", Map.of("type", "offer", "to", bobId, "sdp", "x")));
				assertThat(outsider.expect("error").path("code").asString()).isEqualTo("forbidden");
			}
			barrier(bob);
		}
	}

	@Test
	void dropsRepeatedCandidatesAndForwardsOnlyTheNewOnesOfABatch() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			String aliceId = join(alice, "alice", room);
			String bobId = join(bob, "bob", room);
			candidate(alice, room, bobId, "cand-1");
			assertThat(bob.expectFrame().path("payload").path("candidate").asString()).isEqualTo("cand-1");
			candidate(alice, room, bobId, "cand-1");
			barrier(alice);
			barrier(bob);
			alice.send(Map.of("channel", room, "payload", Map.of("type", "candidate_batch", "to", bobId, "candidates",
					List.of("cand-2", "cand-1", "cand-3"))));
			JsonNode batch = bob.expectFrame().path("payload");
			assertThat(batch.path("candidates").valueStream().map(JsonNode::asString)).containsExactly("cand-2",
					"cand-3");
			alice.send(Map.of("channel", room, "payload",
					Map.of("type", "candidate_batch", "to", bobId, "candidates", List.of("cand-3", "cand-2"))));
			barrier(alice);
			barrier(bob);
			// The memory is per ordered pair: bob may send alice the same string.
			candidate(bob, room, aliceId, "cand-1");
			assertThat(alice.expectFrame().path("payload").path("candidate").asString()).isEqualTo("cand-1");
			// Forgotten when either leaves the room.
			bob.send(Map.of("type", "unsubscribe", "channels", List.of(room)));
			bob.expect("unsubscribed");
			bob.send(Map.of("type", "subscribe", "channels", List.of(room)));
			bob.expect("subscribed");
			candidate(alice, room, bobId, "cand-1");
			assertThat(bob.expectFrame().path("payload").path("candidate").asString()).isEqualTo("cand-1");
		}
	}

	@Test
	void answersPeerDiscoveryWithTheOtherWebSocketPeersOfTheRoom() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port);
				TestWebSocketClient carol = TestWebSocketClient.connect(this.port);
				TestWebSocketClient elsewhere = TestWebSocketClient.connect(this.port);
				TestSseClient sse = TestSseClient.connect(this.port, "token=token-dave&channels=" + room)) {
			sse.expectSystem("auth_ok");
			join(alice, "alice", room);
			String bobId = join(bob, "bob", room);
			String carolId = join(carol, "carol", room);
			join(elsewhere, "erin", room());
			alice.send(Map.of("channel", room, "payload",
					Map.of("type", "peer_discovery", "room", room.substring("rtc:".length()))));
			JsonNode list = alice.expectFrame();
			assertThat(list.has("client_id")).isFalse();
			assertThat(list.has("cursor")).isFalse();
			assertThat(list.path("payload").path("type").asString()).isEqualTo("peer_list");
			assertThat(list.path("payload").path("peers").valueStream().map(JsonNode::asString))
				.containsExactlyInAnyOrder(bobId, carolId);
			barrier(bob);
		}
	}

	@Test
	void issuesTurnCredentialsThatAnIndependentHmacConfirms() throws Exception {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port)) {
			join(alice, "alice", room);
			alice.send(Map.of("channel", room, "payload", Map.of("type", "turn_credentials")));
			JsonNode answer = alice.expectFrame().path("payload");
			assertThat(answer.path("type").asString()).isEqualTo("turn_credentials");
			long expiry = NOW.getEpochSecond() + 600;
			assertThat(answer.path("username").asString()).isEqualTo(expiry + ":alice");
			assertThat(answer.path("ttl_seconds").asLong()).isEqualTo(600);
			assertThat(answer.path("server").asString()).isEqualTo("turn:127.0.0.1:3478");
			Mac mac = Mac.getInstance("HmacSHA1");
			mac.init(new SecretKeySpec("test-turn-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
			String expected = Base64.getEncoder()
				.encodeToString(mac.doFinal((expiry + ":alice").getBytes(StandardCharsets.UTF_8)));
			assertThat(answer.path("credential").asString()).isEqualTo(expected);
			// The expiry follows the clock.
			this.clock.advanceTimeBy(Duration.ofSeconds(90));
			alice.send(Map.of("channel", room, "payload", Map.of("type", "turn_credentials")));
			assertThat(alice.expectFrame().path("payload").path("username").asString())
				.isEqualTo((expiry + 90) + ":alice");
		}
	}

	@Test
	void switchesARouteToRelayPastTheFailureThresholdAndOffersP2pAgainAfterADoublingBackoff() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			String aliceId = join(alice, "alice", room);
			String bobId = join(bob, "bob", room);
			// Each report is handled before the other client's next one (the barriers):
			// the two connections' messages are handled concurrently.
			status(alice, room, bobId, "failed");
			status(alice, room, bobId, "failed");
			barrier(alice);
			skipFrames(bob, 2);
			// A success in between starts the count again.
			status(bob, room, aliceId, "connected");
			barrier(bob);
			skipFrames(alice, 1);
			status(alice, room, bobId, "failed");
			barrier(alice);
			skipFrames(bob, 1);
			status(bob, room, aliceId, "failed");
			barrier(bob);
			skipFrames(alice, 1);
			status(alice, room, bobId, "failed");
			assertModeSwitch(alice.expect("mode_switch"), bobId, "relay", "direct", "path_degraded", 1);
			assertModeSwitch(modeSwitchAfterFrames(bob, 1), aliceId, "relay", "direct", "path_degraded", 1);
			// Failures in relay change nothing.
			status(alice, room, bobId, "failed");
			bob.expectFrame();
			this.clock.advanceTimeBy(Duration.ofSeconds(9));
			barrier(alice);
			this.clock.advanceTimeBy(Duration.ofSeconds(1));
			assertModeSwitch(alice.expect("mode_switch"), bobId, "p2p", "relay", "path_recovered", 2);
			assertModeSwitch(bob.expect("mode_switch"), aliceId, "p2p", "relay", "path_recovered", 2);
			// Degraded again: the backoff doubles to 20 s.
			for (int i = 0; i < 3; i++) {
				status(bob, room, aliceId, "failed");
			}
			assertModeSwitch(modeSwitchAfterFrames(alice, 3), bobId, "relay", "p2p", "path_degraded", 3);
			assertModeSwitch(bob.expect("mode_switch"), aliceId, "relay", "p2p", "path_degraded", 3);
			this.clock.advanceTimeBy(Duration.ofSeconds(10));
			barrier(alice);
			this.clock.advanceTimeBy(Duration.ofSeconds(10));
			assertModeSwitch(alice.expect("mode_switch"), bobId, "p2p", "relay", "path_recovered", 4);
			assertModeSwitch(bob.expect("mode_switch"), aliceId, "p2p", "relay", "path_recovered", 4);
		}
	}

	@Test
	void requestedAndOperatorSwitchesAreAnnouncedAndCancelAPendingRecovery() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			String aliceId = join(alice, "alice", room);
			String bobId = join(bob, "bob", room);
			status(alice, room, bobId, "p2p");
			assertModeSwitch(alice.expect("mode_switch"), bobId, "p2p", "direct", "requested", 1);
			assertModeSwitch(modeSwitchAfterFrames(bob, 1), aliceId, "p2p", "direct", "requested", 1);
			// The same mode again is no switch.
			status(bob, room, aliceId, "p2p");
			alice.expectFrame();
			barrier(alice);
			barrier(bob);
			StepVerifier.create(this.pushServer.switchPeerRoute(room, bobId, aliceId, PeerRouteMode.RELAY))
				.expectNext(true)
				.expectComplete()
				.verify(PROMPTLY);
			assertModeSwitch(alice.expect("mode_switch"), bobId, "relay", "p2p", "operator_override", 2);
			assertModeSwitch(bob.expect("mode_switch"), aliceId, "relay", "p2p", "operator_override", 2);
			StepVerifier.create(this.pushServer.switchPeerRoute(room, aliceId, bobId, PeerRouteMode.RELAY))
				.expectNext(false)
				.expectComplete()
				.verify(PROMPTLY);
			// A degradation schedules a recovery that a requested switch cancels.
			status(alice, room, bobId, "direct");
			alice.expect("mode_switch");
			modeSwitchAfterFrames(bob, 1);
			for (int i = 0; i < 3; i++) {
				status(alice, room, bobId, "failed");
			}
			assertThat(alice.expect("mode_switch").path("generation").asLong()).isEqualTo(4);
			modeSwitchAfterFrames(bob, 3);
			status(alice, room, bobId, "relay");
			status(alice, room, bobId, "direct");
			assertModeSwitch(alice.expect("mode_switch"), bobId, "direct", "relay", "requested", 5);
			modeSwitchAfterFrames(bob, 2);
			this.clock.advanceTimeBy(Duration.ofMinutes(1));
			barrier(alice);
			assertThat(this.exchange.routeMode(aliceId, bobId)).isEqualTo(PeerRouteMode.DIRECT);
			StepVerifier
				.create(this.pushServer.switchPeerRoute(room, aliceId, UUID.randomUUID().toString(), PeerRouteMode.P2P))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ProtocolException.class)
					.hasMessageContaining("not both connected peers"))
				.verify(PROMPTLY);
		}
	}

	@Test
	void relaysWithinTheSendersBucketAndRefusesWhatExceedsItWithoutForwarding() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			String aliceId = join(alice, "alice", room);
			String bobId = join(bob, "bob", room);
			String data = "x".repeat(1498);
			long relayedBefore = this.exchange.statistics().relayedBytes();
			// "x...x" is 1500 bytes as JSON: the bucket holds 2000.
			relay(alice, room, bobId, data);
			JsonNode relayed = bob.expectFrame();
			assertThat(relayed.path("client_id").asString()).isEqualTo(aliceId);
			assertThat(relayed.has("cursor")).isFalse();
			assertThat(relayed.path("payload").path("type").asString()).isEqualTo("relay");
			assertThat(relayed.path("payload").path("from").asString()).isEqualTo(aliceId);
			assertThat(relayed.path("payload").path("payload").asString()).isEqualTo(data);
			relay(alice, room, bobId, data);
			JsonNode error = alice.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("rate_limited");
			assertThat(error.path("channel").asString()).isEqualTo(room);
			barrier(bob);
			// A second at 1000 B/s refills enough; the refused relay took nothing.
			this.clock.advanceTimeBy(Duration.ofSeconds(1));
			relay(alice, room, bobId, data);
			assertThat(bob.expectFrame().path("payload").path("payload").asString()).isEqualTo(data);
			assertThat(this.exchange.statistics().relayedBytes() - relayedBefore).isEqualTo(3000);
			// The meters read the relay's counts.
			assertThat(this.meters.get("pushwire.relay.bytes").functionCounter().count())
				.isEqualTo(this.exchange.statistics().relayedBytes());
			assertThat(this.meters.get("pushwire.relay.refused").functionCounter().count())
				.isEqualTo(this.exchange.statistics().rateLimited())
				.isPositive();
			// Signaling costs nothing.
			candidate(alice, room, bobId, "still-forwarded");
			bob.expectFrame();
		}
	}

	@Test
	void refusesRelaysThatBreakTheRulesInTheProtocolsOrder() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			join(alice, "alice", room);
			String bobId = join(bob, "bob", room);
			String otherRoom = room();
			Map<String, Map<String, ?>> cases = Map.of("bad_message",
					Map.of("type", "relay", "to", "bob", "channel", room, "payload", 1), "unknown_channel",
					Map.of("type", "relay", "to", bobId, "channel", "nope:1", "payload", 1), "forbidden",
					Map.of("type", "relay", "to", bobId, "channel", "news:1", "payload", 1), "not_connected",
					Map.of("type", "relay", "to", UUID.randomUUID().toString(), "channel", room, "payload", 1));
			cases.forEach((code, relay) -> {
				alice.send(relay);
				assertThat(alice.expect("error").path("code").asString()).as("%s", relay).isEqualTo(code);
			});
			alice.send("{\"type\":\"relay\",\"to\":\"" + bobId + "\",\"channel\":\"" + room + "\",\"payload\":null}");
			assertThat(alice.expect("error").path("code").asString()).isEqualTo("bad_message");
			alice.send(Map.of("type", "relay", "to", bobId, "channel", otherRoom, "payload", 1));
			assertThat(alice.expect("error").path("code").asString()).isEqualTo("forbidden");
			barrier(bob);
		}
	}

	@Test
	void forgetsEveryStateOfAPeerWhenItDisconnects() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port)) {
			String aliceId = join(alice, "alice", room);
			String bobId = UUID.randomUUID().toString();
			TestWebSocketClient bob = TestWebSocketClient.connect(this.port);
			bob.auth("token-bob", bobId, List.of(room));
			candidate(alice, room, bobId, "cand");
			bob.expectFrame();
			status(alice, room, bobId, "p2p");
			alice.expect("mode_switch");
			modeSwitchAfterFrames(bob, 1);
			relay(bob, room, aliceId, "data");
			alice.expectFrame();
			assertThat(this.exchange.routeMode(aliceId, bobId)).isEqualTo(PeerRouteMode.P2P);
			bob.close();
			await().atMost(PROMPTLY).until(() -> this.exchange.routeMode(aliceId, bobId) == null);
			assertThat(this.exchange.candidates().pairs()).isZero();
			assertThat(this.exchange.buckets()).isZero();
			candidate(alice, room, bobId, "cand");
			assertThat(alice.expect("error").path("code").asString()).isEqualTo("not_connected");
			// Back in the room, the pair starts afresh: a new route, the candidate
			// forwarded.
			try (TestWebSocketClient again = TestWebSocketClient.connect(this.port)) {
				again.auth("token-bob", bobId, List.of(room));
				candidate(alice, room, bobId, "cand");
				again.expectFrame();
				status(alice, room, bobId, "relay");
				assertModeSwitch(alice.expect("mode_switch"), bobId, "relay", "direct", "requested", 1);
			}
		}
	}

	private static String room() {
		return "rtc:" + UUID.randomUUID();
	}

	private static String join(TestWebSocketClient client, String user, String room) {
		return client.auth("token-" + user, null, List.of(room)).path("client_id").asString();
	}

	private static void candidate(TestWebSocketClient from, String room, String to, String candidate) {
		from.send(Map.of("channel", room, "payload", Map.of("type", "candidate", "to", to, "candidate", candidate)));
	}

	private static void status(TestWebSocketClient from, String room, String to, String status) {
		from.send(Map.of("channel", room, "payload", Map.of("type", "status", "to", to, "status", status)));
	}

	private static void relay(TestWebSocketClient from, String room, String to, Object payload) {
		from.send(Map.of("type", "relay", "to", to, "channel", room, "payload", payload));
	}

	private static void skipFrames(TestWebSocketClient client, int count) {
		client.frames(count);
	}

	/**
	 * A mode_switch op and frames: the op may overtake the frames queued before it (ops
	 * have a lane of their own).
	 * @param client the client
	 * @param frames how many frames come with it
	 * @return the mode_switch
	 */
	private static JsonNode modeSwitchAfterFrames(TestWebSocketClient client, int frames) {
		JsonNode modeSwitch = null;
		for (int i = 0; i <= frames; i++) {
			JsonNode message = client.nextNonPing();
			if ("mode_switch".equals(message.path("type").asString(""))) {
				assertThat(modeSwitch).as("a second mode_switch: %s", message).isNull();
				modeSwitch = message;
			}
			else {
				assertThat(message.has("channel") && !message.has("type")).as("%s", message).isTrue();
			}
		}
		assertThat(modeSwitch).as("a mode_switch").isNotNull();
		return modeSwitch;
	}

	/**
	 * Everything queued for the client so far has been read: its ping's pong comes next.
	 * @param client the client
	 */
	private static void barrier(TestWebSocketClient client) {
		client.send(Map.of("type", "ping"));
		client.expect("pong");
	}

	private static void assertModeSwitch(JsonNode op, String peerId, String mode, String previous, String reason,
			long generation) {
		assertThat(op.path("peer_id").asString()).isEqualTo(peerId);
		assertThat(op.path("mode").asString()).isEqualTo(mode);
		assertThat(op.path("previous_mode").asString()).isEqualTo(previous);
		assertThat(op.path("reason").asString()).isEqualTo(reason);
		assertThat(op.path("generation").asLong()).isEqualTo(generation);
	}

}

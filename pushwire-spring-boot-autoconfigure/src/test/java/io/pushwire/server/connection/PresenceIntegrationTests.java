package io.pushwire.server.connection;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import io.pushwire.client.PresenceEntry;
import io.pushwire.client.PushClient;
import io.pushwire.client.PushClientEvent;
import io.pushwire.client.RetryStrategy;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.PresenceMember;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestSseClient;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence end to end (PROTOCOL.md §12) over real WebSockets and SSE: {@code room} has
 * presence and join-leave, {@code lobby} presence only, {@code news} neither,
 * {@code inbox} presence for its owner only. The heartbeat is long, so a prompt
 * {@code leave} cannot come from a heartbeat timeout.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.room.presence=true", "pushwire.server.channels.room.join-leave=true",
				"pushwire.server.channels.lobby.presence=true", "pushwire.server.channels.news.priority=normal",
				"pushwire.server.channels.inbox.subscribe=owner", "pushwire.server.channels.inbox.presence=true",
				"pushwire.server.channels.inbox.join-leave=true", "pushwire.server.heartbeat=30s" })
class PresenceIntegrationTests {

	private static final Duration PROMPTLY = Duration.ofSeconds(5);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Autowired
	PresenceRegistry presence;

	@Test
	void authOkListsPresenceFeature() {
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = alice.auth("token-alice", null, List.of());
			assertThat(ok.path("features").valueStream().map(JsonNode::asString)).contains("presence");
		}
	}

	@Test
	void listsEverySubscriberWithItsClientIdAndUserToAClientThatMaySubscribe() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port);
				TestWebSocketClient carol = TestWebSocketClient.connect(this.port)) {
			String aliceId = alice.auth("token-alice", null, List.of(room)).path("client_id").asString();
			String bobId = bob.auth("token-bob", null, List.of(room)).path("client_id").asString();
			carol.auth("token-carol", null, List.of());
			carol.send(Map.of("type", "presence", "channel", room));
			JsonNode list = carol.expect("presence_list");
			assertThat(list.path("channel").asString()).isEqualTo(room);
			assertThat(list.path("clients")
				.valueStream()
				.map((entry) -> entry.path("client_id").asString() + "/" + entry.path("user").asString()))
				.containsExactly(aliceId + "/alice", bobId + "/bob");
		}
	}

	@Test
	void announcesJoinAndLeaveToOtherSubscribersButNeverToTheClientItself() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			alice.auth("token-alice", null, List.of(room));
			String bobId = bob.auth("token-bob", null, List.of(room)).path("client_id").asString();
			assertJoinOrLeave(alice.expect("join"), room, bobId, "bob");
			// A join of its own would have been queued before the answer to this.
			bob.send(Map.of("type", "presence", "channel", room));
			assertThat(bob.expect("presence_list").path("clients")).hasSize(2);

			bob.send(Map.of("type", "unsubscribe", "channels", List.of(room)));
			bob.expect("unsubscribed");
			assertJoinOrLeave(alice.expect("leave"), room, bobId, "bob");
			bob.send(Map.of("type", "subscribe", "channels", List.of(room)));
			bob.expect("subscribed");
			assertJoinOrLeave(alice.expect("join"), room, bobId, "bob");
			bob.send(Map.of("type", "presence", "channel", room));
			assertThat(bob.expect("presence_list").path("clients")).hasSize(2);
		}
	}

	@Test
	void subscribingAgainToAChannelAlreadySubscribedAnnouncesNothing() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			alice.auth("token-alice", null, List.of(room));
			bob.auth("token-bob", null, List.of(room));
			alice.expect("join");
			bob.send(Map.of("type", "subscribe", "channels", List.of(room)));
			bob.expect("subscribed");
			alice.send(Map.of("type", "presence", "channel", room));
			assertThat(alice.expect("presence_list").path("clients")).hasSize(2);
		}
	}

	@Test
	void announcesLeaveAsSoonAsAConnectionIsDroppedWithoutClosing() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port)) {
			alice.auth("token-alice", null, List.of(room));
			TestWebSocketClient bob = TestWebSocketClient.connect(this.port);
			String bobId = bob.auth("token-bob", null, List.of(room)).path("client_id").asString();
			alice.expect("join");
			bob.close();
			// The heartbeat is 30 s: this leave comes from the connection's end.
			JsonNode leave = alice.next(PROMPTLY);
			assertThat(leave.path("type").asString()).isEqualTo("leave");
			assertJoinOrLeave(leave, room, bobId, "bob");
		}
	}

	@Test
	void kindWithoutJoinLeaveListsMembersWithoutAnnouncingThem() {
		String lobby = "lobby:" + UUID.randomUUID();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			alice.auth("token-alice", null, List.of(lobby));
			bob.auth("token-bob", null, List.of(lobby));
			// A join would have been queued for alice before the answer to this.
			alice.send(Map.of("type", "presence", "channel", lobby));
			assertThat(alice.expect("presence_list").path("clients")).hasSize(2);
		}
	}

	@Test
	void refusesPresenceOfAChannelTheClientMayNotSubscribeTo() {
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port)) {
			alice.auth("token-alice", null, List.of());
			alice.send(Map.of("type", "presence", "channel", "inbox:bob"));
			JsonNode error = alice.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("forbidden");
			assertThat(error.path("channel").asString()).isEqualTo("inbox:bob");
			alice.send(Map.of("type", "presence", "channel", "inbox:alice"));
			assertThat(alice.expect("presence_list").path("clients")).isEmpty();
		}
	}

	@Test
	void refusesPresenceOfAKindWithoutPresenceNamingTheChannel() {
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port)) {
			alice.auth("token-alice", null, List.of("news:1"));
			alice.send(Map.of("type", "presence", "channel", "news:1"));
			JsonNode error = alice.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("bad_message");
			assertThat(error.path("channel").asString()).isEqualTo("news:1");
			assertThat(error.path("message").asString()).contains("news:1").contains("presence");
			alice.send(Map.of("type", "presence", "channel", "nowhere:1"));
			assertThat(alice.expect("error").path("code").asString()).isEqualTo("unknown_channel");
			alice.send(Map.of("type", "presence"));
			assertThat(alice.expect("error").path("code").asString()).isEqualTo("bad_message");
			// Still open and served.
			alice.send(Map.of("type", "presence", "channel", room()));
			alice.expect("presence_list");
		}
	}

	@Test
	void replacedConnectionLeavesOnlyTheChannelsItsSuccessorDoesNotSubscribeTo() {
		String kept = room();
		String dropped = room();
		String bobId = UUID.randomUUID().toString();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient first = TestWebSocketClient.connect(this.port);
				TestWebSocketClient second = TestWebSocketClient.connect(this.port)) {
			String aliceId = alice.auth("token-alice", null, List.of(kept, dropped)).path("client_id").asString();
			first.auth("token-bob", bobId, List.of(kept, dropped));
			alice.expect("join");
			alice.expect("join");
			second.auth("token-bob", bobId, List.of(kept));
			assertThat(first.awaitClose().code()).isEqualTo(4009);
			assertJoinOrLeave(alice.expect("leave"), dropped, bobId, "bob");
			// The first connection has ended and let go of its memberships...
			await().atMost(PROMPTLY).until(() -> this.presence.holders(kept, bobId) == 1);
			// ...without a leave or join for the channel its successor kept, which would
			// precede this answer.
			alice.send(Map.of("type", "presence", "channel", kept));
			assertThat(alice.expect("presence_list")
				.path("clients")
				.valueStream()
				.map((c) -> c.path("client_id").asString())).containsExactlyInAnyOrder(aliceId, bobId);
			second.close();
			JsonNode leave = alice.next(PROMPTLY);
			assertThat(leave.path("type").asString()).isEqualTo("leave");
			assertJoinOrLeave(leave, kept, bobId, "bob");
		}
	}

	@Test
	void sseSubscriberIsAMemberAndIsToldOfJoinsAndLeaves() {
		String room = room();
		try (TestSseClient sse = TestSseClient.connect(this.port, "token=token-alice&channels=" + room);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			String aliceId = sse.expectSystem("auth_ok").path("client_id").asString();
			String bobId = bob.auth("token-bob", null, List.of(room)).path("client_id").asString();
			assertJoinOrLeave(sse.expectSystem("join"), room, bobId, "bob");
			bob.send(Map.of("type", "presence", "channel", room));
			assertThat(bob.expect("presence_list")
				.path("clients")
				.valueStream()
				.map((c) -> c.path("client_id").asString())).containsExactly(aliceId, bobId);
			bob.send(Map.of("type", "unsubscribe", "channels", List.of(room)));
			bob.expect("unsubscribed");
			assertJoinOrLeave(sse.expectSystem("leave"), room, bobId, "bob");
			bob.send(Map.of("type", "subscribe", "channels", List.of(room)));
			bob.expect("subscribed");
			sse.expectSystem("join");
			sse.close();
			JsonNode leave = bob.next(PROMPTLY);
			assertThat(leave.path("type").asString()).isEqualTo("leave");
			assertJoinOrLeave(leave, room, aliceId, "alice");
		}
	}

	@Test
	void serverApiListsMembersAndRefusesKindsWithoutPresence() {
		String room = room();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port)) {
			String aliceId = alice.auth("token-alice", null, List.of(room)).path("client_id").asString();
			StepVerifier.create(this.pushServer.presence(room))
				.expectNext(List.of(new PresenceMember(aliceId, "alice")))
				.expectComplete()
				.verify(PROMPTLY);
		}
		StepVerifier.create(this.pushServer.presence("news:1"))
			.expectErrorSatisfies(
					(ex) -> assertThat(ex).isInstanceOf(ProtocolException.class).hasMessageContaining("presence"))
			.verify(PROMPTLY);
	}

	@Test
	void javaClientListsPresenceAndReportsJoinsAndLeavesAsEvents() {
		String room = room();
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost:" + this.port + "/rps")
			.token("token-alice")
			.channels(room)
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(20), 0))
			.build();
		try {
			List<PushClientEvent> events = new CopyOnWriteArrayList<>();
			client.events().subscribe(events::add);
			StepVerifier.create(client.connect()).expectComplete().verify(PROMPTLY);
			String aliceId = client.state().clientId();
			try (TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
				String bobId = bob.auth("token-bob", null, List.of(room)).path("client_id").asString();
				StepVerifier.create(client.presence(room))
					.expectNext(List.of(new PresenceEntry(aliceId, "alice"), new PresenceEntry(bobId, "bob")))
					.expectComplete()
					.verify(PROMPTLY);
				bob.send(Map.of("type", "unsubscribe", "channels", List.of(room)));
				await().atMost(PROMPTLY).until(() -> events.stream().anyMatch(PushClientEvent.Left.class::isInstance));
				assertThat(events)
					.filteredOn(
							(event) -> event instanceof PushClientEvent.Joined || event instanceof PushClientEvent.Left)
					.containsExactly(new PushClientEvent.Joined(room, bobId, "bob"),
							new PushClientEvent.Left(room, bobId, "bob"));
			}
			assertThat(events).noneMatch(PushClientEvent.Error.class::isInstance);
		}
		finally {
			client.disconnect().block(PROMPTLY);
		}
	}

	@Test
	void forgetsAChannelOnceEveryMemberIsGone() {
		String room = room();
		TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
		TestWebSocketClient bob = TestWebSocketClient.connect(this.port);
		alice.auth("token-alice", null, List.of(room));
		bob.auth("token-bob", null, List.of(room));
		StepVerifier.create(this.pushServer.presence(room))
			.assertNext((members) -> assertThat(members).hasSize(2))
			.expectComplete()
			.verify(PROMPTLY);
		alice.close();
		bob.close();
		await().atMost(PROMPTLY).until(() -> this.presence.members(room).isEmpty());
		assertThat(this.presence.holders(room, "anyone")).isZero();
	}

	private static String room() {
		return "room:" + UUID.randomUUID();
	}

	private static void assertJoinOrLeave(JsonNode op, String channel, String clientId, String user) {
		assertThat(op.path("channel").asString()).as("%s", op).isEqualTo(channel);
		assertThat(op.path("client_id").asString()).as("%s", op).isEqualTo(clientId);
		assertThat(op.path("user").asString()).as("%s", op).isEqualTo(user);
	}

}

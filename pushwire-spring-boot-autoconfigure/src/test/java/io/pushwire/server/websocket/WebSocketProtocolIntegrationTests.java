package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushIntegrationTest;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket protocol end to end (PROTOCOL.md §3, §4), against the real server on a
 * random port.
 */
@PushIntegrationTest
class WebSocketProtocolIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Test
	void handshakeAnswersAuthOkWithHeadsEpochsHeartbeatAndFeatures() {
		this.pushServer.publish("chat:hs", "before").block(Duration.ofSeconds(5));
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth("token-alice", clientId, List.of("chat:hs"));
			assertThat(ok.path("client_id").asString()).isEqualTo(clientId);
			assertThat(ok.path("heads").path("chat:hs").asLong()).isEqualTo(1);
			assertThat(ok.path("resume_cursors").path("chat:hs").asLong()).isEqualTo(1);
			assertThat(ok.path("epochs").path("chat:hs").asString()).matches("[A-Za-z0-9_-]{1,16}");
			assertThat(ok.path("heartbeat_ms").asLong()).isEqualTo(400);
			assertThat(ok.path("features").toString()).contains("\"resume\"", "\"acks\"");
			this.pushServer.publish("chat:hs", "live").block(Duration.ofSeconds(5));
			JsonNode frame = client.expectFrame();
			assertThat(frame.path("cursor").asLong()).isEqualTo(2);
			assertThat(frame.path("payload").asString()).isEqualTo("live");
		}
	}

	@Test
	void clientWithoutIdIsGivenOne() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth("token-alice", null, List.of());
			assertThat(ok.path("client_id").asString()).matches("[0-9a-f-]{36}");
		}
	}

	@Test
	void badTokenClosesWith4001() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"wrong\",\"capabilities\":[\"chat:x\"]}");
			JsonNode goodbye = client.expect("goodbye");
			assertThat(goodbye.path("reason").asString()).isEqualTo("unauthorized");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
	}

	@Test
	void firstMessageNotAuthClosesWith1008() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"subscribe\",\"channels\":[\"chat:x\"]}");
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("policy");
			assertThat(client.awaitClose().code()).isEqualTo(1008);
		}
	}

	@Test
	void firstMessageNotJsonClosesWith1008() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("hello");
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("policy");
			assertThat(client.awaitClose().code()).isEqualTo(1008);
		}
	}

	@Test
	void silentClientIsClosedAtHandshakeTimeout() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("policy");
			assertThat(client.awaitClose().code()).isEqualTo(1008);
		}
	}

	@Test
	void refusedAndUnknownCapabilitiesGetErrorsAndTheRestContinues() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth("token-alice", null, List.of("inbox:bob", "nope:x", "inbox:alice", "Bad Name"));
			assertThat(ok.path("heads").has("inbox:alice")).isTrue();
			assertThat(ok.path("heads").has("inbox:bob")).isFalse();
			JsonNode first = client.expect("error");
			assertThat(first.path("code").asString()).isEqualTo("forbidden");
			assertThat(first.path("channel").asString()).isEqualTo("inbox:bob");
			JsonNode second = client.expect("error");
			assertThat(second.path("code").asString()).isEqualTo("unknown_channel");
			assertThat(second.path("channel").asString()).isEqualTo("nope:x");
			assertThat(client.expect("error").path("code").asString()).isEqualTo("bad_message");
			this.pushServer.publish("inbox:alice", "for alice").block(Duration.ofSeconds(5));
			assertThat(client.expectFrame().path("payload").asString()).isEqualTo("for alice");
		}
	}

	@Test
	void framesArriveInCursorOrder() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of("chat:order"));
			for (int i = 1; i <= 200; i++) {
				this.pushServer.publish("chat:order", i).subscribe();
			}
			List<JsonNode> frames = client.frames(200);
			for (int i = 0; i < 200; i++) {
				assertThat(frames.get(i).path("cursor").asLong()).isEqualTo(i + 1);
			}
		}
	}

	@Test
	void subscribeAndUnsubscribeAreConfirmed() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			this.pushServer.publish("chat:sub", "one").block(Duration.ofSeconds(5));
			client.send("{\"type\":\"subscribe\",\"channels\":[\"chat:sub\"]}");
			JsonNode subscribed = client.expect("subscribed");
			assertThat(subscribed.path("channels").get(0).asString()).isEqualTo("chat:sub");
			assertThat(subscribed.path("heads").path("chat:sub").asLong()).isEqualTo(1);
			assertThat(subscribed.path("epochs").path("chat:sub").isString()).isTrue();
			this.pushServer.publish("chat:sub", "two").block(Duration.ofSeconds(5));
			assertThat(client.expectFrame().path("cursor").asLong()).isEqualTo(2);
			client.send("{\"type\":\"unsubscribe\",\"channels\":[\"chat:sub\"]}");
			assertThat(client.expect("unsubscribed").path("channels").get(0).asString()).isEqualTo("chat:sub");
			this.pushServer.publish("chat:sub", "three").block(Duration.ofSeconds(5));
			client.send("{\"type\":\"ping\"}");
			assertThat(client.expect("pong")).isNotNull();
		}
	}

	@Test
	void subscribeWithCursorReplaysAfterIt() {
		for (int i = 1; i <= 5; i++) {
			this.pushServer.publish("chat:subcursor", i).block(Duration.ofSeconds(5));
		}
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			client
				.send("{\"type\":\"subscribe\",\"channels\":[\"chat:subcursor\"],\"cursors\":{\"chat:subcursor\":3}}");
			JsonNode subscribed = client.expect("subscribed");
			assertThat(subscribed.path("heads").path("chat:subcursor").asLong()).isEqualTo(3);
			assertThat(client.frames(2)).extracting((frame) -> frame.path("cursor").asLong()).containsExactly(4L, 5L);
		}
	}

	@Test
	void handlerBroadcastsToEverySubscriberWithTheSendersClientId() {
		String aliceId = UUID.randomUUID().toString();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			alice.auth("token-alice", aliceId, List.of("chat:room"));
			bob.auth("token-bob", null, List.of("chat:room"));
			alice.send("{\"channel\":\"chat:room\",\"payload\":{\"text\":\"hi\"}}");
			for (TestWebSocketClient client : List.of(alice, bob)) {
				JsonNode frame = client.expectFrame();
				assertThat(frame.path("channel").asString()).isEqualTo("chat:room");
				assertThat(frame.path("payload").path("from").asString()).isEqualTo("alice");
				assertThat(frame.path("payload").path("text").asString()).isEqualTo("hi");
				assertThat(frame.path("client_id").asString()).isEqualTo(aliceId);
				assertThat(frame.path("cursor").asLong()).isPositive();
			}
		}
	}

	@Test
	void handlerErrorBecomesAnErrorOpAndTheConnectionStaysOpen() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			client.send("{\"channel\":\"fail:x\",\"payload\":1}");
			JsonNode error = client.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("internal");
			assertThat(error.path("channel").asString()).isEqualTo("fail:x");
			assertThat(error.path("message").asString()).doesNotContain("boom");
			client.send("{\"channel\":\"reject:x\",\"payload\":1}");
			JsonNode rejected = client.expect("error");
			assertThat(rejected.path("code").asString()).isEqualTo("forbidden");
			assertThat(rejected.path("message").asString()).isEqualTo("not today");
			client.send("{\"type\":\"ping\"}");
			client.expect("pong");
		}
	}

	@Test
	void framesWithoutHandlerOrOnUnknownKindsOrForbiddenGetErrors() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			client.send("{\"channel\":\"ticker:ops\",\"payload\":1}");
			assertThat(client.expect("error").path("code").asString()).isEqualTo("no_handler");
			client.send("{\"channel\":\"nope\",\"payload\":1}");
			assertThat(client.expect("error").path("code").asString()).isEqualTo("unknown_channel");
		}
	}

	@Test
	void frameOnChannelClientMayNotPublishToIsForbiddenEvenWithoutHandler() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			// alerts: publish none, and no handler takes its frames; the access check
			// comes first.
			client.send("{\"channel\":\"alerts:ops\",\"payload\":1}");
			JsonNode error = client.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("forbidden");
			assertThat(error.path("channel").asString()).isEqualTo("alerts:ops");
		}
	}

	@Test
	void malformedMessagesGetBadMessageAndTheConnectionStaysOpen() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			for (String bad : List.of("not json", "{\"a\":1}", "[1,2]", "{\"type\":\"nope\"}", "{\"type\":\"auth\"}",
					"{\"type\":\"auth_ok\",\"client_id\":\"x\"}",
					"{\"type\":\"ack\",\"channel\":\"chat:x\",\"cursor\":\"1\"}",
					"{\"type\":\"subscribe\",\"channels\":\"chat\"}", "{} {}")) {
				client.send(bad);
				assertThat(client.expect("error").path("code").asString()).as(bad).isEqualTo("bad_message");
			}
			client.sendFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { 1, 2, 3 })));
			assertThat(client.expect("error").path("code").asString()).isEqualTo("bad_message");
			client.send("{\"type\":\"ping\"}");
			client.expect("pong");
		}
	}

	@Test
	void oversizedMessageClosesWith1009() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			client.send("{\"channel\":\"chat:big\",\"payload\":\"" + "x".repeat(5000) + "\"}");
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("too_large");
			assertThat(client.awaitClose().code()).isEqualTo(1009);
		}
	}

	@Test
	void invalidUtf8ClosesWith1007() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			client.sendFrame(
					new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] { '"', (byte) 0xC3, (byte) 0x28, '"' })));
			assertThat(client.awaitClose().code()).isEqualTo(1007);
		}
	}

	@Test
	void silentClientIsClosedWith4010() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			// Never answer the pings.
			WebSocketCloseStatus status = client.awaitClose();
			assertThat(status.code()).isEqualTo(4010);
		}
	}

	@Test
	void clientAnsweringPingsStaysConnected() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of());
			long end = System.nanoTime() + Duration.ofMillis(2000).toNanos();
			while (System.nanoTime() < end) {
				JsonNode message = client.next();
				assertThat(message.path("type").asString()).isEqualTo("ping");
				client.send("{\"type\":\"pong\"}");
			}
			assertThat(client.isClosed()).isFalse();
		}
	}

	@Test
	void newConnectionWithTheSameClientIdReplacesTheOld() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient first = TestWebSocketClient.connect(this.port);
				TestWebSocketClient second = TestWebSocketClient.connect(this.port)) {
			first.auth("token-alice", clientId, List.of());
			second.auth("token-alice", clientId, List.of());
			assertThat(first.expect("goodbye").path("reason").asString()).isEqualTo("replaced");
			assertThat(first.awaitClose().code()).isEqualTo(4009);
			second.send("{\"type\":\"ping\"}");
			second.expect("pong");
		}
	}

	@Test
	void clientIdOfAnotherPrincipalClosesWith4003() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port);
				TestWebSocketClient bob = TestWebSocketClient.connect(this.port)) {
			alice.auth("token-alice", clientId, List.of());
			bob.send("{\"type\":\"auth\",\"token\":\"token-bob\",\"client_id\":\"" + clientId
					+ "\",\"capabilities\":[]}");
			assertThat(bob.expect("goodbye").path("reason").asString()).isEqualTo("forbidden");
			assertThat(bob.awaitClose().code()).isEqualTo(4003);
		}
	}

	@Test
	void foreignOriginIsRefusedBeforeUpgrading() {
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> TestWebSocketClient.connect(this.port, "/rps",
					(headers) -> headers.set("Origin", "https://evil.example")))
			.hasStackTraceContaining("403");
	}

	@Test
	void sameOriginIsAccepted() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set("Origin", "http://localhost:" + this.port))) {
			assertThat(client.auth("token-alice", null, List.of()).path("client_id").isString()).isTrue();
		}
	}

}

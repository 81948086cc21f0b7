package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits against abuse, each with its clear answer.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal", "pushwire.server.max-connections-per-principal=2",
				"pushwire.server.max-inbound-rate=5", "pushwire.server.max-inbound-burst=10",
				"pushwire.server.max-channel-name-length=20", "pushwire.server.max-subscriptions=3" })
class LimitsIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void principalWithTooManyConnectionsIsRefusedWithRateLimitedAnd1008() {
		try (TestWebSocketClient first = TestWebSocketClient.connect(this.port);
				TestWebSocketClient second = TestWebSocketClient.connect(this.port);
				TestWebSocketClient third = TestWebSocketClient.connect(this.port)) {
			first.auth("token-carol", null, List.of());
			second.auth("token-carol", null, List.of());
			third.send("{\"type\":\"auth\",\"token\":\"token-carol\",\"capabilities\":[]}");
			assertThat(third.expect("error").path("code").asString()).isEqualTo("rate_limited");
			assertThat(third.expect("goodbye").path("reason").asString()).isEqualTo("policy");
			assertThat(third.awaitClose().code()).isEqualTo(1008);
			first.close();
			// The slot is free once the server has seen the first connection end: at once, not after
			// a timeout, but the client's close and the next connection travel on different event loops.
			assertThat(awaitSlot(Duration.ofSeconds(2)).path("type").asString()).isEqualTo("auth_ok");
		}
	}

	private JsonNode awaitSlot(Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		while (true) {
			try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
				client.send("{\"type\":\"auth\",\"token\":\"token-carol\",\"capabilities\":[]}");
				JsonNode answer = client.nextNonPing();
				if (!"error".equals(answer.path("type").asString()) || System.nanoTime() > deadline) {
					return answer;
				}
			}
		}
	}

	@Test
	void reconnectingWithTheSameClientIdAtTheLimitReplacesInsteadOfBeingRefused() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient first = TestWebSocketClient.connect(this.port);
				TestWebSocketClient second = TestWebSocketClient.connect(this.port);
				TestWebSocketClient again = TestWebSocketClient.connect(this.port)) {
			first.auth("token-dave", clientId, List.of());
			second.auth("token-dave", null, List.of());
			again.auth("token-dave", clientId, List.of());
			assertThat(first.expect("goodbye").path("reason").asString()).isEqualTo("replaced");
		}
	}

	@Test
	void messagesOverTheInboundRateAreDroppedWithRateLimited() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-erin", null, List.of());
			for (int i = 0; i < 14; i++) {
				client.send("{\"type\":\"ping\"}");
			}
			int pongs = 0;
			int limited = 0;
			for (int i = 0; i < 14; i++) {
				JsonNode message = client.next();
				if ("ping".equals(message.path("type").asString())) {
					// The server's heartbeat (its first comes at a random point of the interval),
					// not answered: a pong would take a token.
					i--;
				}
				else if ("pong".equals(message.path("type").asString())) {
					pongs++;
				}
				else if ("rate_limited".equals(message.path("code").asString())) {
					limited++;
				}
			}
			// The auth took one token of the burst of ten.
			assertThat(pongs).isBetween(9, 10);
			assertThat(limited).isEqualTo(14 - pongs);
			assertThat(client.isClosed()).isFalse();
		}
	}

	@Test
	void persistentFloodIsClosedWith1008() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-frank", null, List.of());
			for (int i = 0; i < 40; i++) {
				client.send("{\"type\":\"ping\"}");
			}
			assertThat(client.awaitClose().code()).isEqualTo(1008);
		}
	}

	@Test
	void channelNamesOverTheConfiguredLengthAreBadMessage() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth("token-grace", null, List.of("chat:" + "a".repeat(30), "chat:short"));
			assertThat(ok.path("heads").has("chat:short")).isTrue();
			assertThat(client.expect("error").path("code").asString()).isEqualTo("bad_message");
		}
	}

	@Test
	void subscriptionsOverTheLimitAreRefused() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth("token-heidi", null, List.of("chat:a", "chat:b", "chat:c", "chat:d"));
			assertThat(ok.path("heads").size()).isEqualTo(3);
			JsonNode error = client.expect("error");
			assertThat(error.path("channel").asString()).isEqualTo("chat:d");
			assertThat(error.path("message").asString()).contains("at most 3");
		}
	}

}

package io.pushwire.server.websocket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushServer;
import io.pushwire.server.PushSession;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestSseClient;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Limits against abuse, each with its clear answer.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal",
				"pushwire.server.max-connections-per-principal=2", "pushwire.server.max-inbound-rate=5",
				"pushwire.server.max-inbound-burst=10", "pushwire.server.max-channel-name-length=20",
				"pushwire.server.max-subscriptions=3" })
class LimitsIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

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
			// The slot is free once the server has seen the first connection end: at
			// once, not after
			// a timeout, but the client's close and the next connection travel on
			// different event loops.
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
					// The server's heartbeat (its first comes at a random point of the
					// interval),
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

	@Test
	void httpAckAndSendOfADetachedSessionAreRateLimited() {
		String clientId = UUID.randomUUID().toString();
		try (TestSseClient sse = TestSseClient.connect(this.port,
				"token=token-ivan&client_id=" + clientId + "&channels=chat:detached")) {
			sse.expectSystem("auth_ok");
		}
		awaitDetached(clientId);
		String ack = "{\"client_id\":\"" + clientId + "\",\"channel\":\"chat:detached\",\"cursor\":0}";
		String send = "{\"client_id\":\"" + clientId + "\",\"channel\":\"chat:detached\",\"payload\":{}}";
		int accepted = 0;
		int limited = 0;
		for (int i = 0; i < 30; i++) {
			boolean isAck = i % 2 == 0;
			int status = post(isAck ? "/rps/ack?token=token-ivan" : "/rps/send?token=token-ivan", isAck ? ack : send);
			if (status == 429) {
				limited++;
			}
			else {
				assertThat(status).isEqualTo(isAck ? 204 : 202);
				accepted++;
			}
		}
		// A burst of ten, refilled at five per second while the thirty requests take
		// their time.
		assertThat(limited).isPositive();
		assertThat(accepted).isGreaterThanOrEqualTo(10);
	}

	private void awaitDetached(String clientId) {
		long deadline = System.nanoTime() + TestWebSocketClient.TIMEOUT.toNanos();
		while (this.pushServer.session(clientId).map(PushSession::isConnected).orElse(false)) {
			assertThat(System.nanoTime()).as("session %s still connected", clientId).isLessThan(deadline);
			LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
		}
		assertThat(this.pushServer.session(clientId)).isPresent();
	}

	private int post(String uri, String body) {
		return WebClient.create("http://localhost:" + this.port)
			.post()
			.uri(uri)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(TestWebSocketClient.TIMEOUT);
	}

	// A raw socket, so that a reset shows as one. The flood (15 MB) is more than the
	// sockets' buffers
	// hold: the server decides to close while most of it is still unread, as over a real
	// network.
	@Test
	void floodingClientReadsRateLimitedThenGoodbyeThenA1008CloseFrame() throws IOException {
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port, Map.of())) {
			assertThat(client.response().status()).isEqualTo(101);
			client.send("{\"type\":\"auth\",\"token\":\"token-flood\",\"capabilities\":[]}");
			assertThat(nextOp(client).path("type").asString()).isEqualTo("auth_ok");
			ByteArrayOutputStream flood = new ByteArrayOutputStream();
			String garbage = "garbage ".repeat(625);
			for (int i = 0; i < 3000; i++) {
				flood.writeBytes(RawWebSocketClient.textFrame(garbage));
			}
			try {
				client.sendRaw(flood.toByteArray());
			}
			catch (IOException ex) {
				fail("The server reset the connection while the client was still sending", ex);
			}
			List<JsonNode> ops = new ArrayList<>();
			RawWebSocketClient.Frame frame;
			while (true) {
				try {
					frame = client.readFrame();
				}
				catch (IOException ex) {
					fail("Connection ended without a close frame after " + ops.size() + " ops (last: "
							+ (ops.isEmpty() ? "none" : ops.get(ops.size() - 1)) + ")", ex);
					return;
				}
				if (frame.opcode() != RawWebSocketClient.Frame.TEXT) {
					break;
				}
				JsonNode op = TestWebSocketClient.mapper().readTree(frame.text());
				if (!"ping".equals(op.path("type").asString())) {
					ops.add(op);
				}
			}
			assertThat(frame.opcode()).isEqualTo(RawWebSocketClient.Frame.CLOSE);
			assertThat(frame.closeCode()).isEqualTo(1008);
			assertThat(ops).anySatisfy((op) -> assertThat(op.path("code").asString()).isEqualTo("rate_limited"));
			JsonNode last = ops.get(ops.size() - 1);
			assertThat(last.path("type").asString()).isEqualTo("goodbye");
			assertThat(last.path("reason").asString()).isEqualTo("policy");
			client.sendRaw(RawWebSocketClient.closeFrame(1000));
		}
	}

	private static JsonNode nextOp(RawWebSocketClient client) throws IOException {
		while (true) {
			JsonNode op = TestWebSocketClient.mapper().readTree(client.readFrame().text());
			if (!"ping".equals(op.path("type").asString())) {
				return op;
			}
		}
	}

}

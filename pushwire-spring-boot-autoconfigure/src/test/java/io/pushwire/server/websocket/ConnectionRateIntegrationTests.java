package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestSseClient;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New connections per second per node: only authenticated connections take from the
 * bucket; past it, a WebSocket client gets {@code error rate_limited} and close 1008
 * after its {@code auth}, an SSE client HTTP 429. Each test starts with a full bucket.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal",
				"pushwire.server.max-connections-per-second=3" })
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class ConnectionRateIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void authenticatedConnectionsPastThePerSecondBudgetAreRefused() {
		int opened = 0;
		boolean refused = false;
		for (int i = 0; i < 10 && !refused; i++) {
			try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
				client.send("{\"type\":\"auth\",\"token\":\"token-alice\",\"capabilities\":[]}");
				JsonNode answer = client.nextNonPing();
				if ("auth_ok".equals(answer.path("type").asString())) {
					opened++;
				}
				else {
					assertThat(answer.path("code").asString()).as("answer %s", answer).isEqualTo("rate_limited");
					assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("policy");
					assertThat(client.awaitClose().code()).isEqualTo(1008);
					refused = true;
				}
			}
		}
		assertThat(refused).isTrue();
		assertThat(opened).isBetween(3, 5);
		int streams = 0;
		while (sseStatus("/rps/sse?token=token-alice") == 200) {
			streams++;
			assertThat(streams).as("SSE streams admitted past a budget of 3 per second").isLessThan(10);
		}
		assertThat(sseStatus("/rps/sse?token=token-alice")).isEqualTo(429);
	}

	@Test
	void refusedAuthenticationsDoNotStarveLegitimateConnections() {
		for (int i = 0; i < 20; i++) {
			assertThat(sseStatus("/rps/sse?channels=chat:x")).isEqualTo(401);
			assertThat(sseStatus("/rps/sse?token=forged&channels=chat:x")).isEqualTo(401);
		}
		for (int i = 0; i < 10; i++) {
			try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
				client.send("{\"type\":\"auth\",\"token\":\"forged\",\"capabilities\":[]}");
				assertThat(client.awaitClose().code()).isEqualTo(4001);
			}
		}
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port);
				TestSseClient sse = TestSseClient.connect(this.port, "token=token-bob&channels=chat:x")) {
			assertThat(client.auth("token-alice", clientId, List.of("chat:x")).path("client_id").asString())
				.isEqualTo(clientId);
			assertThat(sse.expectSystem("auth_ok").path("heads").has("chat:x")).isTrue();
		}
	}

	private int sseStatus(String uri) {
		return WebClient.create("http://localhost:" + this.port)
			.get()
			.uri(uri)
			.accept(MediaType.TEXT_EVENT_STREAM)
			// An admitted stream never ends: its first bytes are enough, then it is
			// cancelled.
			.exchangeToFlux((response) -> response.bodyToFlux(DataBuffer.class)
				.take(1)
				.doOnNext(DataBufferUtils::release)
				.then(Mono.just(response.statusCode().value()))
				.flux())
			.next()
			.block(Duration.ofSeconds(5));
	}

}

package io.pushwire.server.websocket;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.pushwire.server.PushIntegrationTest;
import io.pushwire.server.TestSseClient;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Query tokens with the defaults: SSE takes {@code ?token=} ({@code EventSource} cannot
 * send headers), the WebSocket does not (browsers send {@code auth.token} in the first
 * message).
 */
@PushIntegrationTest
class QueryTokenIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void webSocketDoesNotAuthenticateWithAQueryTokenByDefault() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps?token=token-quentin",
				(headers) -> {
				})) {
			client.send("{\"type\":\"auth\",\"capabilities\":[]}");
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("unauthorized");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
	}

	@Test
	void webSocketStillAuthenticatesWithTheAuthToken() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps?token=wrong", (headers) -> {
		})) {
			assertThat(client.auth("token-quentin", null, List.of()).path("client_id").asString()).isNotEmpty();
		}
	}

	@Test
	void sseAuthenticatesWithAQueryTokenByDefault() {
		try (TestSseClient client = TestSseClient.connect(this.port, "token=token-quentin&channels=chat:query")) {
			assertThat(client.expectSystem("auth_ok").path("client_id").asString()).isNotEmpty();
		}
	}

}

package io.pushwire.server.websocket;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pushwire.server.websocket.allow-query-token} turns on {@code ?token=} for the
 * WebSocket on its own, whatever {@code pushwire.server.sse.allow-query-token} says.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.websocket.allow-query-token=true",
				"pushwire.server.sse.allow-query-token=false" })
class WebSocketQueryTokenIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void webSocketAuthenticatesWithAQueryTokenWhenAllowed() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps?token=token-rita", (headers) -> {
		})) {
			assertThat(client.auth(null, null, List.of()).path("client_id").asString()).isNotEmpty();
		}
	}

	@Test
	void authTokenWinsOverTheQueryToken() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps?token=wrong", (headers) -> {
		})) {
			assertThat(client.auth("token-rita", null, List.of()).path("client_id").asString()).isNotEmpty();
		}
	}

}

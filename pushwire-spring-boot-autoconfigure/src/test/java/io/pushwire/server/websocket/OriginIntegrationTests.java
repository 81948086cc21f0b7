package io.pushwire.server.websocket;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushIntegrationTest;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket upgrade's {@code Origin} check with no {@code allowed-origins}: same
 * origin only, compared as the browser and the request say it, over a real socket.
 */
@PushIntegrationTest
class OriginIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void foreignUnderscoreOriginIsRefusedWhenTheServerIsReachedUnderAnUnderscoreHost() throws IOException {
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port,
				Map.of("Host", "push_server.example:" + this.port, "Origin", "http://evil_x.example"))) {
			assertThat(client.response().status()).isEqualTo(403);
			JsonNode body = TestWebSocketClient.mapper().readTree(client.response().body());
			assertThat(body.path("code").asString()).isEqualTo("forbidden");
			assertThat(body.path("message").asString()).contains("http://evil_x.example",
					"pushwire.server.allowed-origins");
		}
	}

	@Test
	void sameOriginUnderAnUnderscoreHostIsUpgraded() throws IOException {
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port, Map.of("Host",
				"push_server.example:" + this.port, "Origin", "http://PUSH_server.example:" + this.port + "/"))) {
			assertThat(client.response().status()).isEqualTo(101);
		}
	}

	@Test
	void sameOriginIsUpgraded() throws IOException {
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port,
				Map.of("Origin", "http://localhost:" + this.port))) {
			assertThat(client.response().status()).isEqualTo(101);
		}
	}

	@Test
	void originOnAnotherPortIsRefused() throws IOException {
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port,
				Map.of("Origin", "http://localhost:" + (this.port + 1)))) {
			assertThat(client.response().status()).isEqualTo(403);
		}
	}

	@Test
	void nullOriginIsRefusedUnlessListed() throws IOException {
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port, Map.of("Origin", "null"))) {
			assertThat(client.response().status()).isEqualTo(403);
		}
	}

}

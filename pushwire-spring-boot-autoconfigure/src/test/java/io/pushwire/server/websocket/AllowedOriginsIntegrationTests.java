package io.pushwire.server.websocket;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket upgrade's {@code Origin} check with {@code allowed-origins}: the same
 * origin patterns as the CORS rules of SSE and HTTP, over a real socket.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "pushwire.server.allowed-origins=https://*.example.com,https://app.example.org:8443,null")
class AllowedOriginsIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void originMatchingAPatternIsUpgraded() throws IOException {
		assertThat(upgrade("https://app.example.com")).isEqualTo(101);
		assertThat(upgrade("HTTPS://Deep.App.Example.com:443")).isEqualTo(101);
	}

	@Test
	void listedOriginIsUpgraded() throws IOException {
		assertThat(upgrade("https://app.example.org:8443")).isEqualTo(101);
	}

	@Test
	void originMatchingNoEntryIsRefused() throws IOException {
		assertThat(upgrade("https://example.com.evil.example")).isEqualTo(403);
		assertThat(upgrade("http://app.example.com")).isEqualTo(403);
		assertThat(upgrade("https://app.example.org")).isEqualTo(403);
		assertThat(upgrade("https://evil_x.example")).isEqualTo(403);
	}

	@Test
	void listedNullOriginIsUpgraded() throws IOException {
		assertThat(upgrade("null")).isEqualTo(101);
	}

	@Test
	void sameOriginIsUpgradedAsForCors() throws IOException {
		assertThat(upgrade("http://localhost:" + this.port)).isEqualTo(101);
	}

	@Test
	void refusalIsAJsonError() throws IOException {
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port,
				Map.of("Origin", "https://evil.example"))) {
			assertThat(client.response().status()).isEqualTo(403);
			assertThat(client.response().headers().get("content-type")).startsWith("application/json");
			assertThat(TestWebSocketClient.mapper().readTree(client.response().body()).path("code").asString())
				.isEqualTo("forbidden");
		}
	}

	private int upgrade(String origin) throws IOException {
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port, Map.of("Origin", origin))) {
			return client.response().status();
		}
	}

}

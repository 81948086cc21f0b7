package io.pushwire.server.websocket;

import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * New connections per second per node: past the bucket, HTTP 429 before upgrading.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal", "pushwire.server.max-connections-per-second=3" })
class ConnectionRateIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void connectionsPastThePerSecondBudgetGet429() {
		int opened = 0;
		boolean refused = false;
		for (int i = 0; i < 10 && !refused; i++) {
			try {
				TestWebSocketClient.connect(this.port).close();
				opened++;
			}
			catch (IllegalStateException ex) {
				assertThat(ex).hasStackTraceContaining("429");
				refused = true;
			}
		}
		assertThat(refused).isTrue();
		assertThat(opened).isBetween(3, 5);
		int sse = WebClient.create("http://localhost:" + this.port)
			.get()
			.uri("/rps/sse?token=token-alice")
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(java.time.Duration.ofSeconds(5));
		assertThat(sse).isEqualTo(429);
		assertThatThrownBy(() -> TestWebSocketClient.connect(this.port)).hasStackTraceContaining("429");
	}

}

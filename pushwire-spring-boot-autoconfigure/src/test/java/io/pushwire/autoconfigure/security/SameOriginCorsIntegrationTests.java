package io.pushwire.autoconfigure.security;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import reactor.core.publisher.Mono;

import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without {@code pushwire.server.allowed-origins}, the SSE and HTTP endpoints are same
 * origin only, like the WebSocket: a cross-origin request or preflight is refused with
 * 403.
 */
@SpringBootTest(classes = JwtResourceServerIntegrationTests.JwtApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "pushwire.server.channels.chat.priority=normal")
class SameOriginCorsIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void crossOriginPreflightIsRefused() {
		HttpStatusCode status = SecurityTestSupport.client(this.port)
			.options()
			.uri("/rps/send")
			.header(HttpHeaders.ORIGIN, "https://app.example.com")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
			.exchangeToMono((response) -> Mono.just(response.statusCode()))
			.block(TestWebSocketClient.TIMEOUT);
		assertThat(status).isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void crossOriginSseIsRefusedAndSameOriginAccepted() {
		assertThat(sse("https://app.example.com")).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(sse("http://localhost:" + this.port)).isEqualTo(HttpStatus.OK);
	}

	private HttpStatusCode sse(String origin) {
		return SecurityTestSupport.sseStatus(this.port,
				"channels=chat:x&token=" + JwtResourceServerIntegrationTests.token("alice"),
				(headers) -> headers.set(HttpHeaders.ORIGIN, origin));
	}

}

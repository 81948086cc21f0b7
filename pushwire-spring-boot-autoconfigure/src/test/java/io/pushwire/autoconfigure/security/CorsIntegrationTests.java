package io.pushwire.autoconfigure.security;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * CORS of the SSE and HTTP endpoints from {@code pushwire.server.allowed-origins}, the
 * same list as the WebSocket's {@code Origin} check.
 */
@SpringBootTest(classes = JwtResourceServerIntegrationTests.JwtApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal",
				"pushwire.server.allowed-origins=https://app.example.com" })
class CorsIntegrationTests {

	private static final String ALLOWED = "https://app.example.com";

	private static final String FOREIGN = "https://evil.example";

	@LocalServerPort
	int port;

	@Test
	void preflightFromAnAllowedOriginGetsCorsHeaders() {
		for (String route : List.of("/sse", "/ack", "/send")) {
			ResponseEntity<Void> response = preflight(route, ALLOWED, "POST");
			assertThat(response.getStatusCode()).as(route).isEqualTo(HttpStatus.OK);
			HttpHeaders headers = response.getHeaders();
			assertThat(headers.getAccessControlAllowOrigin()).isEqualTo(ALLOWED);
			assertThat(headers.getAccessControlAllowCredentials()).isTrue();
			assertThat(headers.getAccessControlAllowMethods()).contains(HttpMethod.POST);
			assertThat(headers.getAccessControlAllowHeaders()).map(String::toLowerCase)
				.contains("authorization", "content-type");
		}
	}

	@Test
	void preflightFromAnotherOriginIsRefused() {
		ResponseEntity<Void> response = preflight("/send", FOREIGN, "POST");
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(response.getHeaders().getAccessControlAllowOrigin()).isNull();
	}

	@Test
	void preflightForAnotherMethodIsRefused() {
		assertThat(preflight("/send", ALLOWED, "DELETE").getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void sseFromAnAllowedOriginGetsCorsHeaders() {
		ResponseEntity<Void> response = SecurityTestSupport.sseResponse(this.port,
				"channels=chat:cors&token=" + JwtResourceServerIntegrationTests.token("alice"),
				(h) -> h.set(HttpHeaders.ORIGIN, ALLOWED));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		HttpHeaders headers = response.getHeaders();
		assertThat(headers.getAccessControlAllowOrigin()).isEqualTo(ALLOWED);
	}

	@Test
	void sendFromAnAllowedOriginIsAcceptedAndFromAnotherRefused() {
		String clientId = UUID.randomUUID().toString();
		String bearer = "Bearer " + JwtResourceServerIntegrationTests.token("alice");
		SecurityTestSupport.sseAuthOk(this.port, "client_id=" + clientId + "&channels=chat:cors",
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, bearer));
		ResponseEntity<String> allowed = SecurityTestSupport.post(this.port, "/send", MediaType.APPLICATION_JSON_VALUE,
				SecurityTestSupport.sendBody(clientId, "chat:cors", "hi"), (headers) -> {
					headers.set(HttpHeaders.AUTHORIZATION, bearer);
					headers.setOrigin(ALLOWED);
				});
		assertThat(allowed.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
		assertThat(allowed.getHeaders().getAccessControlAllowOrigin()).isEqualTo(ALLOWED);
		ResponseEntity<String> foreign = SecurityTestSupport.post(this.port, "/send", MediaType.APPLICATION_JSON_VALUE,
				SecurityTestSupport.sendBody(clientId, "chat:cors", "hi"), (headers) -> {
					headers.set(HttpHeaders.AUTHORIZATION, bearer);
					headers.setOrigin(FOREIGN);
				});
		assertThat(foreign.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void webSocketFromAnAllowedOriginIsAccepted() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set(HttpHeaders.ORIGIN, ALLOWED))) {
			JsonNode ok = client.auth(JwtResourceServerIntegrationTests.token("alice"), null, List.of());
			assertThat(ok.path("client_id").isString()).isTrue();
		}
	}

	@Test
	void webSocketFromAnotherOriginIsRefusedBeforeUpgrading() {
		assertThatIllegalStateException()
			.isThrownBy(() -> TestWebSocketClient.connect(this.port, "/rps",
					(headers) -> headers.set(HttpHeaders.ORIGIN, FOREIGN)))
			.withStackTraceContaining("403");
	}

	private ResponseEntity<Void> preflight(String route, String origin, String method) {
		return SecurityTestSupport.client(this.port)
			.options()
			.uri("/rps" + route)
			.header(HttpHeaders.ORIGIN, origin)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, method)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization,content-type")
			.exchangeToMono((response) -> response.toBodilessEntity())
			.block(TestWebSocketClient.TIMEOUT);
	}

}

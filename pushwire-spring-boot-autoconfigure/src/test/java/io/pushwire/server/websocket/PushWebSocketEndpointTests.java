package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ProtocolCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushWebSocketEndpoint}'s {@code Origin} check and refusals.
 */
class PushWebSocketEndpointTests {

	private static final JsonMapper MAPPER = ProtocolCodec.createMapper();

	private static final WebSocketHandler HANDLER = (session) -> Mono.empty();

	private static final WebSocketService UPGRADED = (exchange, handler) -> {
		exchange.getAttributes().put("upgraded", true);
		return Mono.empty();
	};

	@Test
	void wildcardDoesNotAllowTheNullOrigin() {
		MockServerWebExchange exchange = handle(List.of("*"), "null");
		assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
		assertThat(handle(List.of("*"), "https://anywhere.example").getAttributes()).containsKey("upgraded");
	}

	@Test
	void refusalBodyIsValidJsonWhateverTheOrigin() {
		String origin = "http://a\tb\"}\\.example";
		MockServerWebExchange exchange = handle(List.of("https://app.example.com"), origin);
		assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(403);
		String body = exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5));
		JsonNode json = MAPPER.readTree(body);
		assertThat(json.path("code").asString()).isEqualTo("forbidden");
		assertThat(json.path("message").asString()).contains(origin);
		assertThat(exchange.getResponse().getHeaders().getCacheControl()).isEqualTo("no-store");
	}

	@Test
	void requestWithoutOriginIsNotRefusedForIt() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("http://localhost/rps"));
		StepVerifier.create(new PushWebSocketEndpoint(UPGRADED, HANDLER, List.of(), MAPPER).handle(exchange))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(exchange.getAttributes()).containsKey("upgraded");
	}

	private static MockServerWebExchange handle(List<String> allowedOrigins, String origin) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("http://localhost/rps").header(HttpHeaders.ORIGIN, origin));
		StepVerifier.create(new PushWebSocketEndpoint(UPGRADED, HANDLER, allowedOrigins, MAPPER).handle(exchange))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		return exchange;
	}

}

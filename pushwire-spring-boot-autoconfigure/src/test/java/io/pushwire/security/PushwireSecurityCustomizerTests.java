package io.pushwire.security;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link PushwireSecurityCustomizer}'s matchers.
 */
class PushwireSecurityCustomizerTests {

	private final PushwireSecurityCustomizer customizer = new PushwireSecurityCustomizer("/push",
			List.of("https://App.example.com:443/"));

	@Test
	void matchesExactlyPushwiresRoutes() {
		ServerWebExchangeMatcher routes = this.customizer.pushwireExchanges();
		for (String path : List.of("/push", "/push/sse", "/push/ack", "/push/send")) {
			assertThat(matches(routes, MockServerHttpRequest.get(path).build())).as(path).isTrue();
		}
		for (String path : List.of("/", "/pushy", "/push/other", "/push/sse/x", "/rps")) {
			assertThat(matches(routes, MockServerHttpRequest.get(path).build())).as(path).isFalse();
		}
	}

	@Test
	void jsonPostsWithoutOriginNeedNoCsrfToken() {
		for (String path : List.of("/push/ack", "/push/send")) {
			assertThat(needsCsrfToken(MockServerHttpRequest.post(path).contentType(MediaType.APPLICATION_JSON).build()))
				.as(path)
				.isFalse();
		}
		assertThat(needsCsrfToken(MockServerHttpRequest.post("/push/send")
			.header(HttpHeaders.CONTENT_TYPE, "application/json;charset=UTF-8")
			.build())).isFalse();
	}

	@Test
	void jsonPostsFromTheSameOrAnAllowedOriginNeedNoCsrfToken() {
		assertThat(needsCsrfToken(json("/push/send").header(HttpHeaders.ORIGIN, "https://app.example.com").build()))
			.isFalse();
		assertThat(needsCsrfToken(MockServerHttpRequest.post("https://push.example.org/push/send")
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.ORIGIN, "https://push.example.org")
			.build())).isFalse();
	}

	@Test
	void originsUnderUnderscoreHostNamesAreComparedAsText() {
		assertThat(needsCsrfToken(MockServerHttpRequest.post("http://push_server.example:8080/push/send")
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.ORIGIN, "http://push_server.example:8080")
			.build())).as("same origin").isFalse();
		assertThat(needsCsrfToken(MockServerHttpRequest.post("http://push_server.example:8080/push/send")
			.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.ORIGIN, "http://evil_x.example")
			.build())).as("foreign origin").isTrue();
	}

	@Test
	void jsonPostsFromAnotherOriginNeedCsrfToken() {
		assertThat(needsCsrfToken(json("/push/send").header(HttpHeaders.ORIGIN, "https://evil.example").build()))
			.isTrue();
		assertThat(needsCsrfToken(json("/push/ack").header(HttpHeaders.ORIGIN, "null").build())).isTrue();
	}

	@Test
	void postsThatAForeignPageCanForgeNeedCsrfToken() {
		for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
				"application/*", "*/*", "text/plain; application/json", "not a type")) {
			assertThat(needsCsrfToken(
					MockServerHttpRequest.post("/push/send").header(HttpHeaders.CONTENT_TYPE, type).build()))
				.as(type)
				.isTrue();
		}
		assertThat(needsCsrfToken(MockServerHttpRequest.post("/push/send").build())).as("no content type").isTrue();
	}

	@Test
	void otherRoutesKeepTheDefaultCsrfRules() {
		assertThat(needsCsrfToken(json("/api/orders").build())).isTrue();
		assertThat(needsCsrfToken(json("/push/other").build())).isTrue();
		assertThat(
				needsCsrfToken(MockServerHttpRequest.put("/push/send").contentType(MediaType.APPLICATION_JSON).build()))
			.isTrue();
		assertThat(needsCsrfToken(MockServerHttpRequest.get("/api/orders").build())).isFalse();
		assertThat(needsCsrfToken(MockServerHttpRequest.get("/push/sse").build())).isFalse();
	}

	@Test
	void wildcardOriginExemptsAnyOrigin() {
		PushwireSecurityCustomizer any = new PushwireSecurityCustomizer("/rps", List.of("*"));
		assertThat(matches(any.requireCsrfProtectionMatcher(),
				MockServerHttpRequest.post("https://push.example.org/rps/send")
					.contentType(MediaType.APPLICATION_JSON)
					.header(HttpHeaders.ORIGIN, "https://anywhere.example")
					.build()))
			.isFalse();
	}

	@Test
	void refusesAPathThatIsNotABasePath() {
		assertThatIllegalArgumentException().isThrownBy(() -> new PushwireSecurityCustomizer("rps", List.of()))
			.withMessageContaining("like /rps");
		assertThatIllegalArgumentException().isThrownBy(() -> new PushwireSecurityCustomizer("/rps/", List.of()));
	}

	private static MockServerHttpRequest.BodyBuilder json(String path) {
		return MockServerHttpRequest.post("https://push.example.org" + path).contentType(MediaType.APPLICATION_JSON);
	}

	private boolean needsCsrfToken(MockServerHttpRequest request) {
		return matches(this.customizer.requireCsrfProtectionMatcher(), request);
	}

	private static boolean matches(ServerWebExchangeMatcher matcher, MockServerHttpRequest request) {
		ServerWebExchange exchange = MockServerWebExchange.from(request);
		Boolean match = matcher.matches(exchange)
			.map(ServerWebExchangeMatcher.MatchResult::isMatch)
			.block(Duration.ofSeconds(5));
		return Boolean.TRUE.equals(match);
	}

}

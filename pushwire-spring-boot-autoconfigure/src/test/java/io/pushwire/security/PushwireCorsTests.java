package io.pushwire.security;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireCors}.
 */
class PushwireCorsTests {

	@Test
	void explicitOriginsAreAllowedWithCredentials() {
		CorsConfiguration config = PushwireCors
			.forHttpEndpoints(List.of("https://App.example.com:443/", "http://localhost:8080"));
		assertThat(config.getAllowedOrigins()).containsExactly("https://app.example.com", "http://localhost:8080");
		assertThat(config.getAllowCredentials()).isTrue();
		assertThat(config.getAllowedMethods()).containsExactly("GET", "POST");
		assertThat(config.getAllowedHeaders()).containsExactly("Authorization", "Content-Type", "Last-Event-ID");
		assertThat(config.checkOrigin("https://app.example.com")).isNotNull();
		assertThat(config.checkOrigin("https://evil.example")).isNull();
	}

	@Test
	void wildcardAllowsAnyOriginWithoutCredentials() {
		CorsConfiguration config = PushwireCors.forHttpEndpoints(List.of("https://app.example.com", "*"));
		assertThat(config.getAllowedOrigins()).containsExactly("*");
		assertThat(config.getAllowCredentials()).isFalse();
		config.validateAllowCredentials();
		assertThat(config.checkOrigin("https://anywhere.example")).isEqualTo("*");
	}

	@Test
	void noOriginsAllowNoCrossOriginRequest() {
		CorsConfiguration config = PushwireCors.forHttpEndpoints(List.of());
		assertThat(config.checkOrigin("https://app.example.com")).isNull();
		assertThat(config.getAllowCredentials()).isFalse();
	}

	@Test
	void normalizesOriginsAsBrowsersSendThem() {
		assertThat(PushwireCors.normalizeOrigin(" HTTP://Example.com:80/ ")).isEqualTo("http://example.com");
		assertThat(PushwireCors.normalizeOrigin("https://example.com:8443")).isEqualTo("https://example.com:8443");
		assertThat(PushwireCors.normalizeOrigin("*")).isEqualTo("*");
		assertThat(PushwireCors.normalizeOrigin("null")).isEqualTo("null");
	}

	@Test
	void originPatternsMatchWithCredentials() {
		CorsConfiguration config = PushwireCors.forHttpEndpoints(List.of("https://*.Example.com:443"));
		assertThat(config.getAllowedOriginPatterns()).containsExactly("https://*.example.com");
		assertThat(config.getAllowCredentials()).isTrue();
		assertThat(config.checkOrigin("https://app.example.com")).isNotNull();
		assertThat(config.checkOrigin("HTTPS://App.Example.com/")).isNotNull();
		assertThat(config.checkOrigin("https://example.com.evil.example")).isNull();
		assertThat(config.checkOrigin("http://app.example.com")).isNull();
	}

	@Test
	void nullOriginIsAllowedOnlyWhenListed() {
		assertThat(PushwireCors.forHttpEndpoints(List.of("*")).checkOrigin("null")).isNull();
		assertThat(PushwireCors.forHttpEndpoints(List.of("https://app.example.com")).checkOrigin("null")).isNull();
		assertThat(PushwireCors.forHttpEndpoints(List.of("null")).checkOrigin("null")).isNotNull();
	}

	@Test
	void normalizesHostNamesWithUnderscoresAsText() {
		assertThat(PushwireCors.normalizeOrigin("HTTP://Evil_X.example:80/")).isEqualTo("http://evil_x.example");
		assertThat(PushwireCors.normalizeOrigin("https://a_b.example:443")).isEqualTo("https://a_b.example");
		assertThat(PushwireCors.normalizeOrigin("https://a_b.example:8443")).isEqualTo("https://a_b.example:8443");
	}

	@Test
	void requestOriginIsTheRequestsOwnSchemeHostAndPort() {
		assertThat(PushwireCors.requestOrigin(MockServerHttpRequest.get("http://push_server.example:8080/rps").build()))
			.isEqualTo("http://push_server.example:8080");
		assertThat(PushwireCors.requestOrigin(MockServerHttpRequest.get("https://Push.example.com:443/rps").build()))
			.isEqualTo("https://push.example.com");
		MockServerHttpRequest underscore = MockServerHttpRequest.get("http://push_server.example:8080/rps")
			.header("Origin", "http://evil_x.example")
			.build();
		assertThat(
				PushwireCors.isAllowed(PushwireCors.forHttpEndpoints(List.of()), underscore, "http://evil_x.example"))
			.isFalse();
		assertThat(PushwireCors.isAllowed(PushwireCors.forHttpEndpoints(List.of()), underscore,
				"http://push_server.example:8080"))
			.isTrue();
	}

}

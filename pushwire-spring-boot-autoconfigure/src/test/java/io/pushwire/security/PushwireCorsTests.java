package io.pushwire.security;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.web.cors.CorsConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireCors}.
 */
class PushwireCorsTests {

	@Test
	void explicitOriginsAreAllowedWithCredentials() {
		CorsConfiguration config = PushwireCors.forHttpEndpoints(List.of("https://App.example.com:443/",
				"http://localhost:8080"));
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

}

package io.pushwire.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

import io.pushwire.autoconfigure.security.PushRoutesBlockedException;
import io.pushwire.autoconfigure.security.PushwireWebSecurityAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushRoutesBlockedFailureAnalyzer}.
 */
class PushRoutesBlockedFailureAnalyzerTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReactiveWebSecurityAutoConfiguration.class,
				PushwireWebSecurityAutoConfiguration.class))
		.withUserConfiguration(BlockingChain.class)
		.withPropertyValues("pushwire.server.security-check.mode=fail", "pushwire.server.path=/push");

	@Test
	void analysisNamesTheRoutesRefusedAndHowToOpenThem() {
		this.contextRunner.run((context) -> {
			InvalidPushwirePropertyFailureAnalyzerTests.findCause(context.getStartupFailure(),
					PushRoutesBlockedException.class);
			FailureAnalysis analysis = new PushRoutesBlockedFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("GET /push (WebSocket upgrade): 401",
					"GET /push/sse (SSE): 401", "POST /push/send (JSON send): 403");
			assertThat(analysis.getAction()).contains("PushwireSecurityCustomizer",
					"pathMatchers(\"/push\", \"/push/**\").permitAll()", "pushwire.server.security-check.mode=off");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class BlockingChain {

		@Bean
		SecurityWebFilterChain securityWebFilterChain() {
			return ServerHttpSecurity.http()
				.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
				.build();
		}

	}

}

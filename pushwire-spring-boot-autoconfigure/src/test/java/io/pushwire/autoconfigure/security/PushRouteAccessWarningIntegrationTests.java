package io.pushwire.autoconfigure.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application whose {@code SecurityWebFilterChain} requires HTTP authentication on
 * every route, the push routes included, without {@code PushwireSecurityCustomizer}:
 * every push client is refused with 401, and the first refusal is explained by one WARN
 * naming the route and the fix.
 */
@SpringBootTest(classes = PushRouteAccessWarningIntegrationTests.BlockingApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "pushwire.server.channels.chat.priority=normal")
@ExtendWith(OutputCaptureExtension.class)
class PushRouteAccessWarningIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	PushRouteAccessWarning warning;

	@Test
	void anonymousPushRequestsRefusedByTheApplicationsChainAreExplainedOnce(CapturedOutput output) {
		assertThat(this.warning.hasWarned()).isFalse();
		assertThat(SecurityTestSupport.sseStatus(this.port, "channels=chat:x", SecurityTestSupport.none()))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(SecurityTestSupport.sseStatus(this.port, "channels=chat:y", SecurityTestSupport.none()))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(this.warning.hasWarned()).isTrue();
		String all = output.getAll();
		assertThat(all).contains("WARN", "An anonymous request to the push route /rps/sse was refused with 401",
				"pathMatchers(\"/rps\", \"/rps/**\").permitAll()", "PushwireSecurityCustomizer");
		assertThat(all.indexOf("An anonymous request to the push route"))
			.isEqualTo(all.lastIndexOf("An anonymous request to the push route"));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration")
	@Import({ SecurityTestSupport.Channels.class, SecurityTestSupport.Users.class })
	static class BlockingApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.httpBasic(Customizer.withDefaults());
			return http.build();
		}

	}

}

package io.pushwire.autoconfigure.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.csrf.CsrfWebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushRouteSecurityCheck}: the application's chain is run at startup
 * against each push route without credentials.
 */
@ExtendWith(OutputCaptureExtension.class)
class PushRouteSecurityCheckTests {

	private static final String WARNING = "refuses requests without credentials to pushwire's routes";

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReactiveWebSecurityAutoConfiguration.class,
				PushwireWebSecurityAutoConfiguration.class))
		.withUserConfiguration(SecurityTestSupport.Users.class);

	@Test
	void aChainThatRequiresAuthenticationOnThePushRoutesIsReportedInOneWarnNamingTheRoutesAndTheFix(
			CapturedOutput output) {
		this.contextRunner.withUserConfiguration(BlockingChain.class).run((context) -> {
			assertThat(context).hasNotFailed();
			String all = output.getAll();
			assertThat(all).contains("WARN", WARNING, "GET /rps (WebSocket upgrade): 401", "GET /rps/sse (SSE): 401",
					"POST /rps/ack (JSON ack): 403", "POST /rps/send (JSON send): 403",
					"Apply the PushwireSecurityCustomizer bean first in the chain",
					"pathMatchers(\"/rps\", \"/rps/**\").permitAll()", "pushwire.server.security-check.mode=off");
			assertThat(all.indexOf(WARNING)).isEqualTo(all.lastIndexOf(WARNING));
		});
	}

	@Test
	void theRoutesUnderACustomPathAreChecked(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(BlockingChain.class)
			.withPropertyValues("pushwire.server.path=/push")
			.run((context) -> assertThat(output.getAll()).contains("GET /push (WebSocket upgrade): 401",
					"pathMatchers(\"/push\", \"/push/**\").permitAll()"));
	}

	@Test
	void aChainBuiltFromSpringsServerHttpSecurityPassesBecauseTheCustomizerBeanIsAppliedToIt(CapturedOutput output) {
		// Spring Security 7 applies every Customizer<ServerHttpSecurity> bean to the
		// ServerHttpSecurity it injects, PushwireSecurityCustomizer included, before the
		// application's rules: anyExchange().authenticated() does not reach the push
		// routes.
		this.contextRunner.withUserConfiguration(AuthenticatedEverywhereChain.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output.getAll()).doesNotContain(WARNING);
		});
	}

	@Test
	void aChainThatPermitsThePushRoutesItselfPasses(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(PermittingChain.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output.getAll()).doesNotContain(WARNING);
		});
	}

	@Test
	void aCsrfMatcherThatReplacesPushwiresExemptionIsReportedForAckAndSend(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(CsrfEverywhereChain.class).run((context) -> {
			String all = output.getAll();
			assertThat(all).contains(WARNING, "POST /rps/ack (JSON ack): 403", "POST /rps/send (JSON send): 403");
			assertThat(all).doesNotContain("WebSocket upgrade):", "SSE):");
		});
	}

	@Test
	void failModeFailsStartupWithTheRoutesRefused() {
		this.contextRunner.withUserConfiguration(BlockingChain.class)
			.withPropertyValues("pushwire.server.security-check.mode=fail")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(rootCause(context.getStartupFailure())).isInstanceOf(PushRoutesBlockedException.class);
				PushRoutesBlockedException failure = (PushRoutesBlockedException) rootCause(
						context.getStartupFailure());
				assertThat(failure.getPath()).isEqualTo("/rps");
				assertThat(failure.getRefusals()).contains("GET /rps (WebSocket upgrade): 401",
						"GET /rps/sse (SSE): 401");
			});
	}

	@Test
	void failModeStartsWithAChainThatLetsThePushRoutesThrough() {
		this.contextRunner.withUserConfiguration(AuthenticatedEverywhereChain.class)
			.withPropertyValues("pushwire.server.security-check.mode=fail")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void offModeChecksNothing(CapturedOutput output) {
		this.contextRunner.withUserConfiguration(BlockingChain.class)
			.withPropertyValues("pushwire.server.security-check.mode=off")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output.getAll()).doesNotContain(WARNING);
			});
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause;
	}

	/**
	 * A chain built without Spring's injected {@code ServerHttpSecurity}, so without the
	 * customizer beans: every route needs an authenticated user, and POSTs a CSRF token.
	 */
	@Configuration(proxyBeanMethods = false)
	static class BlockingChain {

		@Bean
		SecurityWebFilterChain securityWebFilterChain() {
			return ServerHttpSecurity.http()
				.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
				.build();
		}

	}

	/**
	 * {@code anyExchange().authenticated()} on Spring's injected
	 * {@code ServerHttpSecurity}.
	 */
	@Configuration(proxyBeanMethods = false)
	static class AuthenticatedEverywhereChain {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.httpBasic(Customizer.withDefaults());
			http.formLogin(Customizer.withDefaults());
			return http.build();
		}

	}

	/** Permits the routes and turns CSRF off, without the customizer's bean. */
	@Configuration(proxyBeanMethods = false)
	static class PermittingChain {

		@Bean
		SecurityWebFilterChain securityWebFilterChain() {
			return ServerHttpSecurity.http()
				.authorizeExchange((exchanges) -> exchanges.pathMatchers("/rps", "/rps/**")
					.permitAll()
					.anyExchange()
					.authenticated())
				.csrf(ServerHttpSecurity.CsrfSpec::disable)
				.build();
		}

	}

	/** Replaces the customizer's CSRF matcher with Spring Security's default. */
	@Configuration(proxyBeanMethods = false)
	static class CsrfEverywhereChain {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.csrf((csrf) -> csrf.requireCsrfProtectionMatcher(CsrfWebFilter.DEFAULT_CSRF_MATCHER));
			return http.build();
		}

	}

}

package io.pushwire.autoconfigure.security;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.config.web.server.ServerHttpSecurity;

import io.pushwire.security.PushwireSecurityCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireWebSecurityAutoConfiguration}.
 */
class PushwireWebSecurityAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireWebSecurityAutoConfiguration.class));

	@Test
	void contributesACustomizerForTheConfiguredPath() {
		this.contextRunner.withPropertyValues("pushwire.server.path=/push").run((context) -> {
			PushwireSecurityCustomizer customizer = context.getBean(PushwireSecurityCustomizer.class);
			assertThat(customizer.pushwireExchanges()
				.matches(MockServerWebExchange.from(MockServerHttpRequest.get("/push/sse").build()))
				.block(Duration.ofSeconds(5))
				.isMatch()).isTrue();
		});
	}

	@Test
	void contributesNoSecurityWebFilterChain() {
		this.contextRunner.run((context) -> assertThat(context)
			.doesNotHaveBean(org.springframework.security.web.server.SecurityWebFilterChain.class));
	}

	@Test
	void backsOffWhenTheApplicationDefinesACustomizer() {
		this.contextRunner.withUserConfiguration(UserCustomizerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PushwireSecurityCustomizer.class);
			assertThat(context).hasBean("userCustomizer");
		});
	}

	@Test
	void backsOffWithoutSpringSecurityWebFlux() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ServerHttpSecurity.class))
			.run((context) -> assertThat(context).doesNotHaveBean(PushwireSecurityCustomizer.class));
	}

	@Test
	void backsOffWhenTheServerIsDisabled() {
		this.contextRunner.withPropertyValues("pushwire.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PushwireSecurityCustomizer.class));
	}

	@Test
	void failsOnAnInvalidPath() {
		this.contextRunner.withPropertyValues("pushwire.server.path=/rps/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pushwire.server.path must start with '/'"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCustomizerConfiguration {

		@Bean
		PushwireSecurityCustomizer userCustomizer() {
			return new PushwireSecurityCustomizer("/custom", java.util.List.of());
		}

	}

}

package io.pushwire.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireServletWebApplicationAutoConfiguration}.
 */
class PushwireServletWebApplicationAutoConfigurationTests {

	private static final AutoConfigurations CHECK = AutoConfigurations
		.of(PushwireServletWebApplicationAutoConfiguration.class);

	@Test
	void failsStartupOfAServletWebApplication() {
		new WebApplicationContextRunner().withConfiguration(CHECK)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(ReactiveWebApplicationRequiredException.class)
				.hasMessageContaining("spring-boot-starter-webflux")
				.hasMessageContaining("pushwire.server.enabled=false"));
	}

	@Test
	void letsAServletWebApplicationStartWhenTheServerIsDisabled() {
		new WebApplicationContextRunner().withConfiguration(CHECK)
			.withPropertyValues("pushwire.server.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void letsAServletWebApplicationThatOnlyUsesTheClientStart() {
		new WebApplicationContextRunner().withConfiguration(CHECK)
			.withPropertyValues("pushwire.client.base-url=http://push.example.com")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void leavesAReactiveWebApplicationAlone() {
		new ReactiveWebApplicationContextRunner().withConfiguration(CHECK)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void leavesANonWebApplicationAlone() {
		// A client-only application.
		new ApplicationContextRunner().withConfiguration(CHECK).run((context) -> assertThat(context).hasNotFailed());
	}

}

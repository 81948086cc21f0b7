package io.pushwire.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactiveWebApplicationRequiredFailureAnalyzer}.
 */
class ReactiveWebApplicationRequiredFailureAnalyzerTests {

	@Test
	void analysisOfAServletApplicationNamesWebFluxAndTheProperty() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PushwireServletWebApplicationAutoConfiguration.class))
			.run((context) -> {
				FailureAnalysis analysis = new ReactiveWebApplicationRequiredFailureAnalyzer()
					.analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription())
					.startsWith("pushwire needs a reactive web application (spring-boot-starter-webflux)");
				assertThat(analysis.getAction()).contains("spring-boot-starter-webflux",
						"spring.main.web-application-type=reactive", "pushwire.server.enabled=false");
			});
	}

}

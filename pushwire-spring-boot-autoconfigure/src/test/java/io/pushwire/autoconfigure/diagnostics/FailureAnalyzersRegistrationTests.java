package io.pushwire.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that pushwire's failure analyzers are registered where Spring Boot finds them.
 */
class FailureAnalyzersRegistrationTests {

	@Test
	void springBootLoadsEveryPushwireFailureAnalyzer() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation()
			.load(FailureAnalyzer.class,
					// Boot's analyzers that need a bean factory cannot be made here; ours
					// can.
					(factoryType, factoryImplementationName, failure) -> {
					}))
			.extracting((analyzer) -> analyzer.getClass().getSimpleName())
			.contains("InvalidPushwirePropertyFailureAnalyzer", "ReactiveWebApplicationRequiredFailureAnalyzer",
					"UndeclaredChannelKindFailureAnalyzer", "PushRoutesBlockedFailureAnalyzer");
	}

}

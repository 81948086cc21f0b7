package io.pushwire.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Analyzes a {@link ReactiveWebApplicationRequiredException}: the starter in a servlet
 * application.
 */
class ReactiveWebApplicationRequiredFailureAnalyzer
		extends AbstractFailureAnalyzer<ReactiveWebApplicationRequiredException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ReactiveWebApplicationRequiredException cause) {
		return new FailureAnalysis(
				"pushwire needs a reactive web application (spring-boot-starter-webflux), but"
						+ " this application is a servlet web application, where the push server cannot run.",
				"Depend on spring-boot-starter-webflux instead of spring-boot-starter-webmvc (or set"
						+ " spring.main.web-application-type=reactive when both are present), or set"
						+ " pushwire.server.enabled=false if the application uses only the pushwire client.",
				cause);
	}

}

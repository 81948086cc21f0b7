package io.pushwire.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.pushwire.autoconfigure.security.PushRoutesBlockedException;

/**
 * Analyzes a {@link PushRoutesBlockedException}: the application's
 * {@code SecurityWebFilterChain} refuses pushwire's routes to requests without
 * credentials ({@code pushwire.server.security-check.mode=fail}).
 */
class PushRoutesBlockedFailureAnalyzer extends AbstractFailureAnalyzer<PushRoutesBlockedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PushRoutesBlockedException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}

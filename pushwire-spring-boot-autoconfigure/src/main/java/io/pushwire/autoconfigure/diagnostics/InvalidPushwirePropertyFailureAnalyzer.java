package io.pushwire.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.pushwire.autoconfigure.InvalidPushwirePropertyException;

/**
 * Analyzes an {@link InvalidPushwirePropertyException}: a {@code pushwire.server.*}
 * property the server cannot use.
 */
class InvalidPushwirePropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPushwirePropertyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidPushwirePropertyException cause) {
		return new FailureAnalysis(
				"The property " + cause.getProperty() + " has the invalid value '" + cause.getValue() + "': it "
						+ cause.getReason() + ".",
				"Change " + cause.getProperty() + " in the application's configuration.", cause);
	}

}

package io.pushwire.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.pushwire.server.handler.UndeclaredChannelKindException;

/**
 * Analyzes an {@link UndeclaredChannelKindException}: a {@code @PushHandler} for a kind
 * that {@code pushwire.server.channels} does not declare.
 */
class UndeclaredChannelKindFailureAnalyzer extends AbstractFailureAnalyzer<UndeclaredChannelKindException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UndeclaredChannelKindException cause) {
		String kind = cause.getKind();
		return new FailureAnalysis(
				"The @PushHandler method " + cause.getDescription() + " handles the channel kind '" + kind
						+ "', which is not declared.",
				"Declare the kind with pushwire.server.channels." + kind + ".* properties (for example"
						+ " pushwire.server.channels." + kind + ".subscribe=authenticated), declare a ChannelKind bean"
						+ " named '" + kind + "', or change the kind in the method's @PushHandler annotation.",
				cause);
	}

}

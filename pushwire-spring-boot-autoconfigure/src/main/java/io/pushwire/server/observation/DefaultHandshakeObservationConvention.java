package io.pushwire.server.observation;

import io.micrometer.common.KeyValues;

import io.pushwire.server.observation.PushwireObservationDocumentation.HandshakeKeys;

/**
 * The default {@link HandshakeObservationConvention}: named {@code pushwire.handshake},
 * with the low-cardinality keys {@code transport} and {@code outcome}.
 *
 * @since 0.1.0
 */
public class DefaultHandshakeObservationConvention implements HandshakeObservationConvention {

	/** The observation's name. */
	public static final String NAME = "pushwire.handshake";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(HandshakeObservationContext context) {
		return "pushwire handshake " + context.getTransport();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(HandshakeObservationContext context) {
		return KeyValues.of(HandshakeKeys.TRANSPORT.withValue(context.getTransport()),
				HandshakeKeys.OUTCOME.withValue(context.getOutcome()));
	}

}

package io.pushwire.server.observation;

import io.micrometer.common.KeyValues;

import io.pushwire.server.observation.PushwireObservationDocumentation.PushHandlerKeys;

/**
 * The default {@link PushHandlerObservationConvention}: named {@code pushwire.handler},
 * with the low-cardinality keys {@code kind} and {@code outcome}, and the channel as a
 * high-cardinality key (for traces only, never a meter tag).
 *
 * @since 0.1.0
 */
public class DefaultPushHandlerObservationConvention implements PushHandlerObservationConvention {

	/** The observation's name. */
	public static final String NAME = "pushwire.handler";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(PushHandlerObservationContext context) {
		return "pushwire handler " + context.getKind();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PushHandlerObservationContext context) {
		return KeyValues.of(PushHandlerKeys.KIND.withValue(context.getKind()),
				PushHandlerKeys.OUTCOME.withValue(context.getOutcome()));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(PushHandlerObservationContext context) {
		return KeyValues.of(PushHandlerKeys.CHANNEL.withValue(context.getChannel()));
	}

}

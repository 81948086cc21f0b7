package io.pushwire.server.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and keys of {@link PushwireObservationDocumentation#HANDSHAKE handshake}
 * observations. Declare a bean of this type to replace
 * {@link DefaultHandshakeObservationConvention}, or extend that one to add keys.
 *
 * @since 0.1.0
 */
public interface HandshakeObservationConvention extends ObservationConvention<HandshakeObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof HandshakeObservationContext;
	}

}

package io.pushwire.autoconfigure.observation;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.FrameDispatcher;
import io.pushwire.server.observation.HandshakeObservationConvention;
import io.pushwire.server.observation.PushHandlerObservationConvention;

/**
 * Auto-configuration of the pushwire server's observations: {@code pushwire.handshake}
 * per handshake and {@code pushwire.handler} per handler invocation, in the application's
 * {@link ObservationRegistry} (Spring Boot's, which makes timers of them and spans when a
 * tracer is present). A {@link HandshakeObservationConvention} or
 * {@link PushHandlerObservationConvention} bean replaces the default convention. Without
 * a registry bean nothing is observed.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PushwireServerAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ObservationRegistry.class, ConnectionFactory.class })
public final class PushwireObservationAutoConfiguration {

	@Bean
	SmartInitializingSingleton pushwireObservationBinder(ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<HandshakeObservationConvention> handshakeConvention,
			ObjectProvider<PushHandlerObservationConvention> handlerConvention,
			ObjectProvider<ConnectionFactory> connections, ObjectProvider<FrameDispatcher> frames) {
		return () -> registry.ifUnique((observations) -> {
			connections
				.ifUnique((factory) -> factory.setObservationRegistry(observations, handshakeConvention.getIfUnique()));
			frames.ifUnique(
					(dispatcher) -> dispatcher.setObservationRegistry(observations, handlerConvention.getIfUnique()));
		});
	}

}

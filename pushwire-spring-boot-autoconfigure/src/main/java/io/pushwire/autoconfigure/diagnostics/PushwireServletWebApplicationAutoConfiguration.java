package io.pushwire.autoconfigure.diagnostics;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that fails the startup of a servlet web application with the
 * pushwire starter, unless {@code pushwire.server.enabled=false}. The server's
 * auto-configurations apply to reactive applications only; without this check a servlet
 * application would start with no push server and no hint why. An application that is not
 * a web application (a client only) is left alone.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "pushwire.server.enabled", matchIfMissing = true)
public final class PushwireServletWebApplicationAutoConfiguration {

	@Bean
	Object pushwireReactiveWebApplicationCheck() {
		throw new ReactiveWebApplicationRequiredException();
	}

}

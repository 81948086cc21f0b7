package io.pushwire.autoconfigure.diagnostics;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} that fails the startup of a servlet web application with the
 * pushwire starter, unless {@code pushwire.server.enabled=false} or the application only
 * uses the client ({@code pushwire.client.base-url} set). The server's
 * auto-configurations apply to reactive applications only; without this check a servlet
 * application would start with no push server and no hint why. An application that is not
 * a web application (a client only) is left alone.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "pushwire.server.enabled", matchIfMissing = true)
@Conditional(PushwireServletWebApplicationAutoConfiguration.NotClientOnlyCondition.class)
public final class PushwireServletWebApplicationAutoConfiguration {

	@Bean
	Object pushwireReactiveWebApplicationCheck() {
		throw new ReactiveWebApplicationRequiredException();
	}

	/**
	 * A servlet application that sets {@code pushwire.client.base-url} consumes pushes
	 * with the client and needs no server: it is not refused.
	 */
	static class NotClientOnlyCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			String baseUrl = context.getEnvironment().getProperty("pushwire.client.base-url");
			if (StringUtils.hasText(baseUrl)) {
				return ConditionOutcome
					.noMatch("pushwire.client.base-url is set: the application uses the client only");
			}
			return ConditionOutcome.match("pushwire.client.base-url is not set");
		}

	}

}

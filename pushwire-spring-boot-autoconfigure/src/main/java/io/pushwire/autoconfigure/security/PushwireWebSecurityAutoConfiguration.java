package io.pushwire.autoconfigure.security;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.web.reactive.socket.WebSocketHandler;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.autoconfigure.InvalidPushwirePropertyException;
import io.pushwire.autoconfigure.PushwireServerProperties;
import io.pushwire.security.PushwireSecurityCustomizer;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@link PushwireSecurityCustomizer} that applications apply
 * in their own {@code SecurityWebFilterChain} to open pushwire's routes (pushwire
 * contributes no chain: one would switch off the application's and Spring Boot's). Built
 * from {@code pushwire.server.path} and {@code pushwire.server.allowed-origins}; applies
 * where the push server does, with Spring Security's WebFlux configuration on the class
 * path.
 *
 * @since 0.1.0
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ ServerHttpSecurity.class, WebSocketHandler.class, HttpServer.class, JsonMapper.class })
@ConditionalOnBooleanProperty(name = "pushwire.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PushwireServerProperties.class)
public final class PushwireWebSecurityAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PushwireSecurityCustomizer pushwireSecurityCustomizer(PushwireServerProperties properties) {
		String path = InvalidPushwirePropertyException.checkPath(properties.getPath());
		return new PushwireSecurityCustomizer(path, properties.getAllowedOrigins(),
				properties.getBrowserClient().resolvePath(path));
	}

}

package io.pushwire.autoconfigure.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.WebFilterChainProxy;
import org.springframework.web.reactive.socket.WebSocketHandler;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.autoconfigure.InvalidPushwirePropertyException;
import io.pushwire.autoconfigure.PushwireServerProperties;
import io.pushwire.security.PushwireSecurityCustomizer;
import io.pushwire.server.http.AssetEndpoint;

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

	/**
	 * The startup check of the application's chain against the push routes, with Spring
	 * Security's WebFlux filter on the class path.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebFilterChainProxy.class)
	static class SecurityCheckConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PushRouteSecurityCheck pushwireRouteSecurityCheck(PushwireServerProperties properties,
				ObjectProvider<WebFilterChainProxy> securityFilter, ObjectProvider<AssetEndpoint> assets) {
			String path = InvalidPushwirePropertyException.checkPath(properties.getPath());
			return new PushRouteSecurityCheck(securityFilter::getIfUnique, path,
					properties.getBrowserClient().resolvePath(path), () -> assets.getIfUnique() != null,
					properties.getSecurityCheck().getMode());
		}

	}

}

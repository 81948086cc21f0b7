package io.pushwire.autoconfigure.security;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.web.reactive.socket.WebSocketHandler;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.security.AuthValidator;
import io.pushwire.security.SpringSecurityAuthValidator;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of the {@link AuthValidator} that authenticates push clients with
 * Spring Security.
 * <p>
 * Tokens that clients send in {@code auth.token} (or the {@code token} query parameter)
 * are authenticated like a bearer header, by the first of: the application's unique
 * {@link ReactiveAuthenticationManager} bean (it must accept a
 * {@link BearerTokenAuthenticationToken}), or a {@link JwtReactiveAuthenticationManager}
 * over the application's {@link ReactiveJwtDecoder} bean (with its
 * {@link ReactiveJwtAuthenticationConverter} bean, if any). With neither, or without
 * {@code spring-security-oauth2-resource-server}, tokens fail and only the principal
 * authenticated on the HTTP request is honoured.
 * <p>
 * Runs after Spring Boot's reactive resource server auto-configuration, which contributes
 * the JWT decoder, and backs off when the application defines its own
 * {@link AuthValidator}. It applies only where
 * {@link io.pushwire.autoconfigure.PushwireServerAutoConfiguration} does (a reactive web
 * application with the server's classes and {@code pushwire.server.enabled} not
 * {@code false}), so that no validator is left behind without a server to use it.
 *
 * @since 0.1.0
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		beforeName = "io.pushwire.autoconfigure.PushwireServerAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ ReactiveAuthenticationManager.class, Mono.class, WebSocketHandler.class, HttpServer.class,
		JsonMapper.class })
@ConditionalOnBooleanProperty(name = "pushwire.server.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(AuthValidator.class)
public final class PushwireSecurityAutoConfiguration {

	/**
	 * Tokens through a manager bean or the JWT decoder.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ BearerTokenAuthenticationToken.class, ReactiveJwtDecoder.class })
	static class JwtTokenAuthenticationConfiguration {

		@Bean
		@ConditionalOnMissingBean(AuthValidator.class)
		SpringSecurityAuthValidator pushwireAuthValidator(
				ObjectProvider<ReactiveAuthenticationManager> authenticationManager,
				ObjectProvider<ReactiveJwtDecoder> jwtDecoder,
				ObjectProvider<ReactiveJwtAuthenticationConverter> jwtAuthenticationConverter,
				ObjectProvider<Converter<Jwt, ? extends Mono<? extends AbstractAuthenticationToken>>> jwtConverter) {
			ReactiveAuthenticationManager manager = authenticationManager.getIfUnique();
			if (manager != null) {
				return new SpringSecurityAuthValidator(manager);
			}
			ReactiveJwtDecoder decoder = jwtDecoder.getIfUnique();
			if (decoder == null) {
				return new SpringSecurityAuthValidator();
			}
			JwtReactiveAuthenticationManager jwtManager = new JwtReactiveAuthenticationManager(decoder);
			Converter<Jwt, ? extends Mono<? extends AbstractAuthenticationToken>> converter = jwtAuthenticationConverter
				.getIfUnique();
			if (converter == null) {
				converter = jwtConverter.getIfUnique();
			}
			if (converter != null) {
				jwtManager.setJwtAuthenticationConverter(converter);
			}
			return new SpringSecurityAuthValidator(jwtManager);
		}

	}

	/**
	 * Tokens through a manager bean only: the resource server module is present without
	 * JOSE.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(BearerTokenAuthenticationToken.class)
	@ConditionalOnMissingClass("org.springframework.security.oauth2.jwt.ReactiveJwtDecoder")
	static class BearerTokenAuthenticationConfiguration {

		@Bean
		@ConditionalOnMissingBean(AuthValidator.class)
		SpringSecurityAuthValidator pushwireAuthValidator(
				ObjectProvider<ReactiveAuthenticationManager> authenticationManager) {
			ReactiveAuthenticationManager manager = authenticationManager.getIfUnique();
			return (manager != null) ? new SpringSecurityAuthValidator(manager) : new SpringSecurityAuthValidator();
		}

	}

	/**
	 * No token support without the resource server module: only the request's principal
	 * counts.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingClass("org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken")
	static class RequestPrincipalConfiguration {

		@Bean
		@ConditionalOnMissingBean(AuthValidator.class)
		SpringSecurityAuthValidator pushwireAuthValidator() {
			return new SpringSecurityAuthValidator();
		}

	}

}

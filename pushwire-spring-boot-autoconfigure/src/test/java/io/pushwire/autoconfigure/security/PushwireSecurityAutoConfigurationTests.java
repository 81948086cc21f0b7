package io.pushwire.autoconfigure.security;

import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import reactor.test.StepVerifier;

import io.pushwire.security.AuthRequest;
import io.pushwire.security.AuthValidator;
import io.pushwire.security.SpringSecurityAuthValidator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireSecurityAutoConfiguration}.
 */
class PushwireSecurityAutoConfigurationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final SecretKey KEY = hmacKey();

	private static final Principal BOB = UsernamePasswordAuthenticationToken.authenticated("bob", null,
			AuthorityUtils.createAuthorityList("ROLE_USER"));

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireSecurityAutoConfiguration.class));

	@Test
	void backsOffForUserAuthValidator() {
		this.contextRunner.withUserConfiguration(JwtDecoderConfiguration.class, UserValidatorConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(AuthValidator.class);
				assertThat(context).doesNotHaveBean(SpringSecurityAuthValidator.class);
				assertThat(context).hasBean("userAuthValidator");
			});
	}

	@Test
	void authenticatesTokensWithJwtDecoder() {
		this.contextRunner.withUserConfiguration(JwtDecoderConfiguration.class).run((context) -> {
			AuthValidator validator = context.getBean(AuthValidator.class);
			assertThat(validator).isInstanceOf(SpringSecurityAuthValidator.class);
			assertThat(validator).extracting("tokenAuthenticationManager")
				.isInstanceOf(JwtReactiveAuthenticationManager.class);
			StepVerifier.create(validator.authenticate(request(jwt("alice"), null))).assertNext((principal) -> {
				assertThat(principal).isInstanceOf(JwtAuthenticationToken.class);
				assertThat(principal.getName()).isEqualTo("alice");
			}).expectComplete().verify(TIMEOUT);
			StepVerifier.create(validator.authenticate(request("not-a-jwt", BOB))).expectComplete().verify(TIMEOUT);
		});
	}

	@Test
	void usesJwtAuthenticationConverterBean() {
		this.contextRunner.withUserConfiguration(JwtDecoderConfiguration.class, JwtConverterConfiguration.class)
			.run((context) -> {
				AuthValidator validator = context.getBean(AuthValidator.class);
				StepVerifier.create(validator.authenticate(request(jwt("alice"), null)))
					.assertNext((principal) -> assertThat(principal.getName()).isEqualTo("Alice Liddell"))
					.expectComplete()
					.verify(TIMEOUT);
			});
	}

	@Test
	void usesGenericJwtConverterBean() {
		this.contextRunner.withUserConfiguration(JwtDecoderConfiguration.class, GenericJwtConverterConfiguration.class)
			.run((context) -> {
				AuthValidator validator = context.getBean(AuthValidator.class);
				StepVerifier.create(validator.authenticate(request(jwt("alice"), null)))
					.assertNext((principal) -> assertThat(principal.getName()).isEqualTo("converted:alice"))
					.expectComplete()
					.verify(TIMEOUT);
			});
	}

	@Test
	void prefersAuthenticationManagerBeanOverJwtDecoder() {
		this.contextRunner.withUserConfiguration(JwtDecoderConfiguration.class, ManagerConfiguration.class)
			.run((context) -> {
				AuthValidator validator = context.getBean(AuthValidator.class);
				StepVerifier.create(validator.authenticate(request("opaque-token", null)))
					.assertNext((principal) -> assertThat(principal.getName()).isEqualTo("opaque-user"))
					.expectComplete()
					.verify(TIMEOUT);
				StepVerifier.create(validator.authenticate(request(jwt("alice"), null)))
					.expectComplete()
					.verify(TIMEOUT);
			});
	}

	@Test
	void refusesTokensWhenNoTokenAuthenticationIsConfigured() {
		this.contextRunner.run((context) -> {
			AuthValidator validator = context.getBean(AuthValidator.class);
			StepVerifier.create(validator.authenticate(request(jwt("alice"), BOB))).expectComplete().verify(TIMEOUT);
			StepVerifier.create(validator.authenticate(request(null, BOB)))
				.expectNext(BOB)
				.expectComplete()
				.verify(TIMEOUT);
		});
	}

	@Test
	void honoursOnlyRequestPrincipalWithoutResourceServer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(BearerTokenAuthenticationToken.class))
			.withUserConfiguration(ManagerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(AuthValidator.class);
				AuthValidator validator = context.getBean(AuthValidator.class);
				assertThat(validator).extracting("tokenAuthenticationManager").isNull();
				StepVerifier.create(validator.authenticate(request("opaque-token", BOB)))
					.expectComplete()
					.verify(TIMEOUT);
				StepVerifier.create(validator.authenticate(request(null, BOB)))
					.expectNext(BOB)
					.expectComplete()
					.verify(TIMEOUT);
			});
	}

	@Test
	void usesAuthenticationManagerBeanWithoutJose() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ReactiveJwtDecoder.class))
			.withUserConfiguration(ManagerConfiguration.class)
			.run((context) -> {
				AuthValidator validator = context.getBean(AuthValidator.class);
				StepVerifier.create(validator.authenticate(request("opaque-token", null)))
					.assertNext((principal) -> assertThat(principal.getName()).isEqualTo("opaque-user"))
					.expectComplete()
					.verify(TIMEOUT);
			});
	}

	@Test
	void backsOffWithoutSpringSecurity() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(ReactiveAuthenticationManager.class))
			.run((context) -> assertThat(context).doesNotHaveBean(AuthValidator.class));
	}

	@Test
	void backsOffWhenPushServerIsDisabled() {
		this.contextRunner.withUserConfiguration(JwtDecoderConfiguration.class)
			.withPropertyValues("pushwire.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(AuthValidator.class));
	}

	@Test
	void backsOffInNonReactiveApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PushwireSecurityAutoConfiguration.class))
			.withUserConfiguration(JwtDecoderConfiguration.class)
			.run((context) -> assertThat(context).doesNotHaveBean(AuthValidator.class));
	}

	@Test
	void backsOffWithoutReactorNetty() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(AuthValidator.class));
	}

	@Test
	void usesJwtDecoderFromResourceServerAutoConfiguration() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PushwireSecurityAutoConfiguration.class,
					ReactiveOAuth2ResourceServerAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.resourceserver.jwt.jwk-set-uri=https://issuer.example/jwks")
			.run((context) -> {
				assertThat(context).hasSingleBean(ReactiveJwtDecoder.class);
				assertThat(context.getBean(AuthValidator.class)).extracting("tokenAuthenticationManager")
					.isInstanceOf(JwtReactiveAuthenticationManager.class);
			});
	}

	private static AuthRequest request(String token, Principal principal) {
		return new AuthRequest(token, principal, new HttpHeaders(), null);
	}

	private static SecretKey hmacKey() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return new SecretKeySpec(bytes, "HmacSHA256");
	}

	private static String jwt(String subject) {
		Instant now = Instant.now();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(subject)
			.claim("name", "Alice Liddell")
			.issuedAt(now)
			.expiresAt(now.plusSeconds(3600))
			.build();
		return NimbusJwtEncoder.withSecretKey(KEY)
			.algorithm(MacAlgorithm.HS256)
			.build()
			.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
			.getTokenValue();
	}

	@Configuration(proxyBeanMethods = false)
	static class JwtDecoderConfiguration {

		@Bean
		ReactiveJwtDecoder jwtDecoder() {
			return NimbusReactiveJwtDecoder.withSecretKey(KEY).macAlgorithm(MacAlgorithm.HS256).build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JwtConverterConfiguration {

		@Bean
		ReactiveJwtAuthenticationConverter jwtAuthenticationConverter() {
			ReactiveJwtAuthenticationConverter converter = new ReactiveJwtAuthenticationConverter();
			converter.setPrincipalClaimName("name");
			return converter;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class GenericJwtConverterConfiguration {

		@Bean
		Converter<Jwt, Mono<JwtAuthenticationToken>> jwtConverter() {
			return (jwt) -> Mono
				.just(new JwtAuthenticationToken(jwt, AuthorityUtils.NO_AUTHORITIES, "converted:" + jwt.getSubject()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ManagerConfiguration {

		@Bean
		ReactiveAuthenticationManager authenticationManager() {
			return (authentication) -> {
				if (authentication instanceof AbstractAuthenticationToken token
						&& "opaque-token".equals(token.getCredentials())) {
					return Mono.just(UsernamePasswordAuthenticationToken.authenticated("opaque-user", null,
							AuthorityUtils.NO_AUTHORITIES));
				}
				return Mono.empty();
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserValidatorConfiguration {

		@Bean
		AuthValidator userAuthValidator() {
			return (request) -> Mono.empty();
		}

	}

}

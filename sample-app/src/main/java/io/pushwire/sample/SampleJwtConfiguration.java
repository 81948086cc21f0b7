package io.pushwire.sample;

import javax.crypto.SecretKey;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Issues and validates the sample's JWTs with one HMAC key. The decoder bean serves
 * bearer headers on HTTP (the resource server) and {@code auth.token} on the WebSocket
 * (pushwire's auth validator) alike.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SampleJwtProperties.class)
class SampleJwtConfiguration {

	private final SecretKey key;

	SampleJwtConfiguration(SampleJwtProperties properties) {
		this.key = properties.secretKey();
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder() {
		return NimbusReactiveJwtDecoder.withSecretKey(this.key).macAlgorithm(MacAlgorithm.HS256).build();
	}

	@Bean
	DemoTokenIssuer demoTokenIssuer(SampleJwtProperties properties) {
		return new DemoTokenIssuer(NimbusJwtEncoder.withSecretKey(this.key).algorithm(MacAlgorithm.HS256).build(),
				properties.expiry());
	}

}

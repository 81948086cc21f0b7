package io.pushwire.sample;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.crypto.SecretKey;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link DemoTokenIssuer} and {@link SampleJwtProperties}.
 */
class DemoTokenIssuerTests {

	@Test
	void issuesTokenThatTheDecoderAccepts() {
		SecretKey key = new SampleJwtProperties(null, Duration.ofHours(1)).secretKey();
		DemoTokenIssuer issuer = new DemoTokenIssuer(
				NimbusJwtEncoder.withSecretKey(key).algorithm(MacAlgorithm.HS256).build(), Duration.ofHours(1));
		String token = issuer.issue(UsernamePasswordAuthenticationToken.authenticated("alice", null,
				AuthorityUtils.createAuthorityList("ROLE_USER", "SCOPE_x")));
		StepVerifier
			.create(NimbusReactiveJwtDecoder.withSecretKey(key).macAlgorithm(MacAlgorithm.HS256).build().decode(token))
			.assertNext((jwt) -> {
				assertThat(jwt.getSubject()).isEqualTo("alice");
				assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(Duration.ofHours(1));
				assertThat(jwt.getClaimAsStringList("roles")).containsExactly("USER");
			})
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void usesConfiguredSecret() {
		String secret = "0123456789abcdef0123456789abcdef";
		assertThat(new SampleJwtProperties(secret, Duration.ofHours(1)).secretKey().getEncoded())
			.isEqualTo(secret.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void refusesShortSecret() {
		assertThatIllegalStateException()
			.isThrownBy(() -> new SampleJwtProperties("too-short", Duration.ofHours(1)).secretKey())
			.withMessageContaining("sample.jwt.secret");
	}

	@Test
	void makesRandomKeyWhenNoSecretIsSet() {
		byte[] first = new SampleJwtProperties(null, Duration.ofHours(1)).secretKey().getEncoded();
		byte[] second = new SampleJwtProperties("", Duration.ofHours(1)).secretKey().getEncoded();
		assertThat(first).hasSize(32).isNotEqualTo(second);
	}

}

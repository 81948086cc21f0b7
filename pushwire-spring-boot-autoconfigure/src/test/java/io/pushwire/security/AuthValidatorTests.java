package io.pushwire.security;

import java.security.Principal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.core.DefaultOAuth2AuthenticatedPrincipal;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the expiry that {@link AuthValidator#expiresAt} reads from principals.
 */
class AuthValidatorTests {

	private final AuthValidator validator = (request) -> Mono.empty();

	@Test
	void expiryOfAJwtAuthenticationIsTheJwtsExp() {
		Instant exp = Instant.now().plusSeconds(300).truncatedTo(ChronoUnit.SECONDS);
		Jwt jwt = Jwt.withTokenValue("t").header("alg", "HS256").subject("alice").expiresAt(exp).build();
		assertThat(this.validator.expiresAt(new JwtAuthenticationToken(jwt))).isEqualTo(exp);
	}

	@Test
	void expiryOfAnOpaqueTokenAuthenticationIsTheTokensExpiry() {
		Instant exp = Instant.now().plusSeconds(300);
		OAuth2AccessToken token = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "t", exp.minusSeconds(600),
				exp);
		Principal principal = new BearerTokenAuthentication(
				new DefaultOAuth2AuthenticatedPrincipal("alice", Map.of("sub", "alice"), null), token,
				AuthorityUtils.NO_AUTHORITIES);
		assertThat(this.validator.expiresAt(principal)).isEqualTo(exp);
	}

	@Test
	void jwtWithoutExpDoesNotExpire() {
		Jwt jwt = Jwt.withTokenValue("t").header("alg", "HS256").subject("alice").build();
		assertThat(this.validator.expiresAt(new JwtAuthenticationToken(jwt))).isNull();
	}

	@Test
	void otherPrincipalsDoNotExpire() {
		assertThat(this.validator.expiresAt(() -> "carol")).isNull();
		assertThat(this.validator.expiresAt(UsernamePasswordAuthenticationToken.authenticated("bob", null,
				AuthorityUtils.createAuthorityList("ROLE_USER"))))
			.isNull();
		assertThat(this.validator.expiresAt(AnonymousPrincipal.forClient("c1"))).isNull();
	}

}

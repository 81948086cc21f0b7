package io.pushwire.security;

import java.security.Principal;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtReactiveAuthenticationManager;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SpringSecurityAuthValidator}.
 */
@ExtendWith(OutputCaptureExtension.class)
class SpringSecurityAuthValidatorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Principal BOB = UsernamePasswordAuthenticationToken.authenticated("bob", null,
			AuthorityUtils.createAuthorityList("ROLE_USER"));

	private final SecretKey key = hmacKey();

	private final SpringSecurityAuthValidator validator = new SpringSecurityAuthValidator(
			new JwtReactiveAuthenticationManager(
					NimbusReactiveJwtDecoder.withSecretKey(this.key).macAlgorithm(MacAlgorithm.HS256).build()));

	private Level previousLevel;

	@BeforeEach
	void enableDebugLogging() {
		Logger logger = (Logger) LoggerFactory.getLogger(SpringSecurityAuthValidator.class);
		this.previousLevel = logger.getLevel();
		logger.setLevel(Level.DEBUG);
	}

	@AfterEach
	void restoreLogging() {
		((Logger) LoggerFactory.getLogger(SpringSecurityAuthValidator.class)).setLevel(this.previousLevel);
	}

	@Test
	void authenticatesValidJwt() {
		String token = jwt(this.key, "alice", Instant.now().plusSeconds(3600));
		StepVerifier.create(this.validator.authenticate(request(token, null))).assertNext((principal) -> {
			assertThat(principal).isInstanceOf(JwtAuthenticationToken.class);
			assertThat(principal.getName()).isEqualTo("alice");
			assertThat(((JwtAuthenticationToken) principal).isAuthenticated()).isTrue();
		}).expectComplete().verify(TIMEOUT);
	}

	@Test
	void tokenTakesPrecedenceOverRequestPrincipal() {
		String token = jwt(this.key, "alice", Instant.now().plusSeconds(3600));
		StepVerifier.create(this.validator.authenticate(request(token, BOB)))
			.assertNext((principal) -> assertThat(principal.getName()).isEqualTo("alice"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void refusesMalformedTokenWithoutLoggingIt(CapturedOutput output) {
		StepVerifier.create(this.validator.authenticate(request("not-a-jwt-secret-value", null)))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(output).contains("Client token was not authenticated").doesNotContain("not-a-jwt-secret-value");
	}

	@Test
	void refusesTokenSignedWithAnotherKey(CapturedOutput output) {
		String token = jwt(hmacKey(), "alice", Instant.now().plusSeconds(3600));
		StepVerifier.create(this.validator.authenticate(request(token, null))).expectComplete().verify(TIMEOUT);
		assertThat(output).doesNotContain(token);
	}

	@Test
	void refusesExpiredToken() {
		String token = jwt(this.key, "alice", Instant.now().minusSeconds(3600));
		StepVerifier.create(this.validator.authenticate(request(token, null))).expectComplete().verify(TIMEOUT);
	}

	@Test
	void expiryOfATokenAcceptedWithinTheClockSkewIsItsOwnExp() {
		// Spring Security's default 60 s skew admits a token that expired 30 s ago; its
		// expiry stays exp.
		Instant exp = Instant.now().minusSeconds(30).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		String token = jwt(this.key, "alice", exp);
		StepVerifier.create(this.validator.authenticate(request(token, null)))
			.assertNext((principal) -> assertThat(this.validator.expiresAt(principal)).isEqualTo(exp))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void badTokenDoesNotFallBackToRequestPrincipal() {
		StepVerifier.create(this.validator.authenticate(request("not-a-jwt", BOB))).expectComplete().verify(TIMEOUT);
	}

	@Test
	void honoursAuthenticatedRequestPrincipalWithoutToken() {
		StepVerifier.create(this.validator.authenticate(request(null, BOB)))
			.expectNext(BOB)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void honoursPlainRequestPrincipalWithoutToken() {
		Principal principal = () -> "carol";
		StepVerifier.create(this.validator.authenticate(request(null, principal)))
			.expectNext(principal)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void refusesAnonymousRequestPrincipal() {
		Principal anonymous = new AnonymousAuthenticationToken("key", "anonymousUser",
				AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));
		StepVerifier.create(this.validator.authenticate(request(null, anonymous))).expectComplete().verify(TIMEOUT);
	}

	@Test
	void refusesPushwireAnonymousRequestPrincipal() {
		StepVerifier.create(this.validator.authenticate(request(null, AnonymousPrincipal.forClient("c1"))))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void refusesUnauthenticatedRequestPrincipal() {
		Principal unauthenticated = UsernamePasswordAuthenticationToken.unauthenticated("bob", "bob-pass");
		StepVerifier.create(this.validator.authenticate(request(null, unauthenticated)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void refusesClientWithoutCredentials() {
		StepVerifier.create(this.validator.authenticate(request(null, null))).expectComplete().verify(TIMEOUT);
	}

	@Test
	void refusesTokenWhenNoTokenAuthenticationIsConfigured(CapturedOutput output) {
		SpringSecurityAuthValidator principalOnly = new SpringSecurityAuthValidator();
		StepVerifier.create(principalOnly.authenticate(request("some-secret-token", BOB)))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(output).contains("no token authentication is configured").doesNotContain("some-secret-token");
	}

	@Test
	void refusesTokenThatManagerDoesNotAuthenticate() {
		ReactiveAuthenticationManager manager = (authentication) -> Mono.empty();
		StepVerifier.create(new SpringSecurityAuthValidator(manager).authenticate(request("token", null)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void refusesTokenThatManagerLeavesUnauthenticated() {
		ReactiveAuthenticationManager manager = (authentication) -> Mono
			.just(UsernamePasswordAuthenticationToken.unauthenticated("alice", null));
		StepVerifier.create(new SpringSecurityAuthValidator(manager).authenticate(request("token", null)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void passesServiceFailureOnAsError() {
		ReactiveAuthenticationManager manager = (authentication) -> Mono
			.error(new AuthenticationServiceException("JWK set unreachable"));
		StepVerifier.create(new SpringSecurityAuthValidator(manager).authenticate(request("token", BOB)))
			.expectError(AuthenticationServiceException.class)
			.verify(TIMEOUT);
	}

	private static AuthRequest request(String token, Principal principal) {
		return new AuthRequest(token, principal, new HttpHeaders(), null);
	}

	static SecretKey hmacKey() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return new SecretKeySpec(bytes, "HmacSHA256");
	}

	static String jwt(SecretKey key, String subject, Instant expiresAt) {
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(subject)
			.issuedAt(expiresAt.minusSeconds(3600))
			.expiresAt(expiresAt)
			.claim("scope", List.of("push"))
			.build();
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).build();
		return NimbusJwtEncoder.withSecretKey(key)
			.algorithm(MacAlgorithm.HS256)
			.build()
			.encode(JwtEncoderParameters.from(header, claims))
			.getTokenValue();
	}

}

package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

import io.pushwire.security.AnonymousPrincipal;
import io.pushwire.security.AuthRequest;
import io.pushwire.security.CompactAuthentication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientAuthenticator}: what a connection keeps of the principal it was
 * authenticated as.
 */
class ClientAuthenticatorTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static final Instant EXPIRY = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);

	@Test
	void jwtAuthenticationIsKeptAsNameAuthoritiesAndTheTokensExpiry() {
		JwtAuthenticationToken jwt = new JwtAuthenticationToken(jwt("alice"),
				List.of(new SimpleGrantedAuthority("ROLE_USER")));
		ClientAuthenticator authenticator = new ClientAuthenticator((request) -> Mono.just(jwt), false);
		Principal principal = authenticator.authenticate(tokenRequest(), "client-1").block(WAIT);
		assertThat(principal).isInstanceOfSatisfying(CompactAuthentication.class, (compact) -> {
			assertThat(compact.getName()).isEqualTo("alice");
			assertThat(compact.getAuthorities()).extracting(GrantedAuthority::getAuthority)
				.containsExactly("ROLE_USER");
			assertThat(compact.getExpiresAt()).isEqualTo(EXPIRY);
			assertThat(compact.getCredentials()).isNull();
			assertThat(compact.getDetails()).isNull();
			assertThat(compact.isAuthenticated()).isTrue();
		});
		assertThat(authenticator.credentialsExpiry(principal)).isEqualTo(EXPIRY);
	}

	@Test
	void expiryIsTheValidatorsReadingOfTheFullPrincipal() {
		Instant custom = EXPIRY.plusSeconds(60);
		UsernamePasswordAuthenticationToken user = UsernamePasswordAuthenticationToken.authenticated("bob", "secret",
				List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
		ClientAuthenticator authenticator = new ClientAuthenticator(new io.pushwire.security.AuthValidator() {

			@Override
			public Mono<Principal> authenticate(AuthRequest request) {
				return Mono.just(user);
			}

			@Override
			public Instant expiresAt(Principal principal) {
				return (principal == user) ? custom : null;
			}

		}, false);
		Principal principal = authenticator.authenticate(tokenRequest(), "client-1").block(WAIT);
		assertThat(principal).isInstanceOf(CompactAuthentication.class);
		assertThat(authenticator.credentialsExpiry(principal)).isEqualTo(custom);
	}

	@Test
	void refreshedPrincipalIsCompactToo() {
		JwtAuthenticationToken jwt = new JwtAuthenticationToken(jwt("alice"));
		ClientAuthenticator authenticator = new ClientAuthenticator((request) -> Mono.just(jwt), false);
		Principal current = authenticator.authenticate(tokenRequest(), "client-1").block(WAIT);
		assertThat(authenticator.reauthenticate("new-token", current).block(WAIT))
			.isInstanceOf(CompactAuthentication.class);
	}

	@Test
	void applicationsOwnPrincipalAndAnonymousPrincipalAreKeptAsTheyAre() {
		Principal own = new ApplicationPrincipal("carol", "tenant-7");
		ClientAuthenticator authenticator = new ClientAuthenticator((request) -> Mono.just(own), false);
		assertThat(authenticator.authenticate(tokenRequest(), "client-1").block(WAIT)).isSameAs(own);
		ClientAuthenticator anonymous = new ClientAuthenticator((request) -> Mono.empty(), true);
		assertThat(anonymous.authenticate(new AuthRequest(null, null, HttpHeaders.EMPTY, null), "client-2").block(WAIT))
			.isEqualTo(AnonymousPrincipal.forClient("client-2"));
	}

	private static AuthRequest tokenRequest() {
		return new AuthRequest("a-token", null, HttpHeaders.EMPTY, null);
	}

	private static Jwt jwt(String subject) {
		return Jwt.withTokenValue("token-" + subject)
			.header("alg", "HS256")
			.subject(subject)
			.issuedAt(EXPIRY.minus(2, ChronoUnit.HOURS))
			.expiresAt(EXPIRY)
			.build();
	}

	record ApplicationPrincipal(String name, String tenant) implements Principal {

		@Override
		public String getName() {
			return this.name;
		}

	}

}

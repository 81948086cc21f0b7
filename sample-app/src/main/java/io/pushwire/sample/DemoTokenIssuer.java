package io.pushwire.sample;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;

/**
 * Issues a signed JWT for a signed-in user: subject the user name, the user's roles in a
 * {@code roles} claim (read back by the resource server's authorities converter).
 */
public class DemoTokenIssuer {

	private static final String ROLE_PREFIX = "ROLE_";

	private final JwtEncoder encoder;

	private final Duration expiry;

	private final Clock clock;

	/**
	 * Create an issuer.
	 * @param encoder signs the tokens with HS256
	 * @param expiry how long a token is valid
	 */
	public DemoTokenIssuer(JwtEncoder encoder, Duration expiry) {
		this(encoder, expiry, Clock.systemUTC());
	}

	DemoTokenIssuer(JwtEncoder encoder, Duration expiry, Clock clock) {
		this.encoder = encoder;
		this.expiry = expiry;
		this.clock = clock;
	}

	/**
	 * Issue a token.
	 * @param user the signed-in user
	 * @return the compact JWS
	 */
	public String issue(Authentication user) {
		Instant now = this.clock.instant();
		List<String> roles = user.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.filter((authority) -> authority != null && authority.startsWith(ROLE_PREFIX))
			.map((authority) -> authority.substring(ROLE_PREFIX.length()))
			.toList();
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(user.getName())
			.issuedAt(now)
			.expiresAt(now.plus(this.expiry))
			.claim("roles", roles)
			.build();
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
		// HMAC signing is a short computation, fine on an event loop thread
		return this.encoder.encode(JwtEncoderParameters.from(header, claims)).getTokenValue();
	}

}

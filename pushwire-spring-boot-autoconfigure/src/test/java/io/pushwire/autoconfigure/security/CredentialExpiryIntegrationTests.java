package io.pushwire.autoconfigure.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.ReactiveJwtGrantedAuthoritiesConverterAdapter;
import org.springframework.security.web.server.SecurityWebFilterChain;
import reactor.core.scheduler.Schedulers;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;

import io.pushwire.security.PushwireSecurityCustomizer;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestSseClient;
import io.pushwire.server.TestWebSocketClient;
import io.pushwire.server.connection.ConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection never outlives its credentials (PROTOCOL.md §7.1), over real sockets with
 * JWTs checked by Spring Security's decoder (60 s clock skew by default). The server's
 * timers run on a {@link VirtualTimeScheduler} set to the wall clock when each test
 * starts, so that expiries are reached by advancing it, never by waiting.
 */
@SpringBootTest(classes = CredentialExpiryIntegrationTests.ExpiryApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal",
				"pushwire.server.channels.staff.subscribe=role:STAFF", "pushwire.server.handshake-timeout=2s" })
class CredentialExpiryIntegrationTests {

	static final SecretKey KEY = new SecretKeySpec(
			"pushwire-expiry-test-key-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256");

	@LocalServerPort
	int port;

	@Autowired
	ConnectionFactory connections;

	@Autowired
	PushServer server;

	private VirtualTimeScheduler time;

	private Instant start;

	@BeforeEach
	void virtualTime() {
		this.time = VirtualTimeScheduler.create();
		this.start = Instant.now();
		this.time.advanceTimeTo(this.start);
		this.connections.setTimers(this.time);
	}

	@AfterEach
	void realTime() {
		this.connections.setTimers(Schedulers.parallel());
		this.time.dispose();
	}

	@Test
	void authOkCarriesTheTokensOwnExpiry() {
		Instant exp = this.start.plusSeconds(120);
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(token("alice", exp), UUID.randomUUID().toString(), List.of("chat:a"));
			assertThat(ok.path("expires_at_ms").asLong()).isEqualTo(exp.truncatedTo(ChronoUnit.SECONDS).toEpochMilli());
		}
	}

	@Test
	void connectionClosesWithTokenExpiredAtTheTokensExpiry() {
		Instant exp = this.start.plusSeconds(120);
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(token("alice", exp), UUID.randomUUID().toString(), List.of("chat:a"));
			long expiresAt = ok.path("expires_at_ms").asLong();
			advanceTo(expiresAt - 1);
			assertStillOpen(client);
			advanceTo(expiresAt);
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("token_expired");
			assertThat(client.awaitClose().code()).isEqualTo(4011);
		}
	}

	@Test
	void bearerHeaderOnTheUpgradeExpiresLikeAToken() {
		Instant exp = this.start.plusSeconds(120);
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set("Authorization", "Bearer " + token("alice", exp)))) {
			JsonNode ok = client.auth(null, UUID.randomUUID().toString(), List.of("chat:a"));
			long expiresAt = ok.path("expires_at_ms").asLong();
			assertThat(expiresAt).isEqualTo(exp.truncatedTo(ChronoUnit.SECONDS).toEpochMilli());
			advanceTo(expiresAt);
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("token_expired");
			assertThat(client.awaitClose().code()).isEqualTo(4011);
		}
	}

	@Test
	void tokenAcceptedWithinTheDecodersClockSkewClosesAtOnce() {
		// Expired 30 s ago: the decoder's 60 s skew still admits it, the connection must
		// not live on.
		Instant exp = this.start.minusSeconds(30);
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"" + token("alice", exp) + "\",\"capabilities\":[\"chat:a\"]}");
			JsonNode goodbye = nextOfType(client, "goodbye");
			assertThat(goodbye.path("reason").asString()).isEqualTo("token_expired");
			assertThat(client.awaitClose().code()).isEqualTo(4011);
		}
	}

	@Test
	void refreshMovesTheExpiry() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(token("alice", this.start.plusSeconds(60)), UUID.randomUUID().toString(),
					List.of("chat:a"));
			Instant later = this.start.plusSeconds(600);
			client.send(Map.of("type", "refresh", "token", token("alice", later)));
			long newExpiry = client.expect("refreshed").path("expires_at_ms").asLong();
			assertThat(newExpiry).isEqualTo(later.truncatedTo(ChronoUnit.SECONDS).toEpochMilli());
			advanceTo(ok.path("expires_at_ms").asLong() + 1000);
			assertStillOpen(client);
			advanceTo(newExpiry);
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("token_expired");
			assertThat(client.awaitClose().code()).isEqualTo(4011);
		}
	}

	@Test
	void refreshWithAnInvalidTokenIsUnauthorizedAndTheOldCredentialsStayInForce() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(token("alice", this.start.plusSeconds(60)), UUID.randomUUID().toString(),
					List.of("chat:a"));
			for (String bad : List.of("not-a-jwt", token("alice", this.start.minusSeconds(3600)))) {
				client.send(Map.of("type", "refresh", "token", bad));
				assertThat(client.expect("error").path("code").asString()).isEqualTo("unauthorized");
			}
			assertStillOpen(client);
			advanceTo(ok.path("expires_at_ms").asLong());
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("token_expired");
			assertThat(client.awaitClose().code()).isEqualTo(4011);
		}
	}

	@Test
	void refreshWithAnotherPrincipalsTokenIsForbiddenAndTheOldCredentialsStayInForce() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(token("alice", this.start.plusSeconds(60)), clientId, List.of("chat:a"));
			client.send(Map.of("type", "refresh", "token", token("bob", this.start.plusSeconds(600))));
			JsonNode error = client.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("forbidden");
			assertThat(error.has("channel")).isFalse();
			assertStillOpen(client);
			assertThat(this.server.session(clientId).orElseThrow().principal().getName()).isEqualTo("alice");
			advanceTo(ok.path("expires_at_ms").asLong());
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("token_expired");
			assertThat(client.awaitClose().code()).isEqualTo(4011);
		}
	}

	@Test
	void refreshAuthorizesEverySubscribedChannelAgainWithTheNewRoles() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(token("alice", this.start.plusSeconds(60), "STAFF"), UUID.randomUUID().toString(),
					List.of("staff:news", "chat:a"));
			assertThat(ok.path("heads").has("staff:news")).isTrue();
			client.send(Map.of("type", "refresh", "token", token("alice", this.start.plusSeconds(600))));
			assertThat(client.expect("refreshed").has("expires_at_ms")).isTrue();
			JsonNode error = client.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("forbidden");
			assertThat(error.path("channel").asString()).isEqualTo("staff:news");
			JsonNode unsubscribed = client.expect("unsubscribed");
			assertThat(unsubscribed.path("channels").toString()).isEqualTo("[\"staff:news\"]");
			this.server.publish("staff:news", Map.of("text", "secret")).block(TestWebSocketClient.TIMEOUT);
			this.server.publish("chat:a", Map.of("text", "hello")).block(TestWebSocketClient.TIMEOUT);
			assertThat(client.expectFrame().path("channel").asString()).isEqualTo("chat:a");
			// Role gained at refresh: the channel can be subscribed again.
			client.send(Map.of("type", "refresh", "token", token("alice", this.start.plusSeconds(600), "STAFF")));
			client.expect("refreshed");
			client.send(Map.of("type", "subscribe", "channels", List.of("staff:news")));
			assertThat(client.expect("subscribed").path("channels").toString()).isEqualTo("[\"staff:news\"]");
		}
	}

	@Test
	void sseStreamEndsWithGoodbyeTokenExpired() {
		Instant exp = this.start.plusSeconds(120);
		try (TestSseClient client = TestSseClient.connect(this.port, "channels=chat:a&token=" + token("alice", exp))) {
			JsonNode ok = client.expectSystem("auth_ok");
			long expiresAt = ok.path("expires_at_ms").asLong();
			assertThat(expiresAt).isEqualTo(exp.truncatedTo(ChronoUnit.SECONDS).toEpochMilli());
			advanceTo(expiresAt);
			assertThat(client.expectSystem("goodbye").path("reason").asString()).isEqualTo("token_expired");
			client.awaitCompleted();
		}
	}

	private void advanceTo(long epochMilli) {
		this.time.advanceTimeTo(Instant.ofEpochMilli(epochMilli));
	}

	/** A ping is answered: no goodbye was queued before it. */
	private static void assertStillOpen(TestWebSocketClient client) {
		client.send("{\"type\":\"ping\"}");
		assertThat(client.nextNonPing().path("type").asString()).isEqualTo("pong");
	}

	/**
	 * The next op of a type, skipping what comes before it (auth_ok may or may not
	 * precede a close).
	 */
	private static JsonNode nextOfType(TestWebSocketClient client, String type) {
		while (true) {
			JsonNode message = client.nextNonPing();
			if (type.equals(message.path("type").asString(""))) {
				return message;
			}
		}
	}

	static String token(String user, Instant expiresAt, String... roles) {
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(user)
			.issuedAt(expiresAt.minusSeconds(3600))
			.expiresAt(expiresAt)
			.claim("roles", List.of(roles))
			.build();
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
		return NimbusJwtEncoder.withSecretKey(KEY)
			.algorithm(MacAlgorithm.HS256)
			.build()
			.encode(JwtEncoderParameters.from(header, claims))
			.getTokenValue();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(SecurityTestSupport.Channels.class)
	static class ExpiryApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, PushwireSecurityCustomizer pushwire) {
			pushwire.customize(http);
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()));
			return http.build();
		}

		@Bean
		ReactiveJwtDecoder jwtDecoder() {
			// The default validators: exp and nbf with Spring Security's 60 s clock skew.
			return NimbusReactiveJwtDecoder.withSecretKey(KEY).macAlgorithm(MacAlgorithm.HS256).build();
		}

		@Bean
		ReactiveJwtAuthenticationConverter jwtAuthenticationConverter() {
			JwtGrantedAuthoritiesConverter roles = new JwtGrantedAuthoritiesConverter();
			roles.setAuthoritiesClaimName("roles");
			roles.setAuthorityPrefix("ROLE_");
			ReactiveJwtAuthenticationConverter converter = new ReactiveJwtAuthenticationConverter();
			converter.setJwtGrantedAuthoritiesConverter(new ReactiveJwtGrantedAuthoritiesConverterAdapter(roles));
			return converter;
		}

	}

}

package io.pushwire.autoconfigure.security;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import tools.jackson.databind.JsonNode;

import io.pushwire.security.PushwireSecurityCustomizer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * An OAuth2 resource server with HMAC-signed JWTs that opens pushwire with
 * {@link PushwireSecurityCustomizer}: a token authenticates in {@code auth.token}, in the
 * {@code Authorization} header of the upgrade, and in the {@code token} query parameter
 * of SSE.
 */
@SpringBootTest(classes = JwtResourceServerIntegrationTests.JwtApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.inbox.subscribe=owner",
				"pushwire.server.channels.chat.priority=normal", "pushwire.server.handshake-timeout=2s" })
class JwtResourceServerIntegrationTests {

	static final SecretKey KEY = key("pushwire-test-key-0123456789-abcdef");

	static final SecretKey OTHER_KEY = key("not-the-key-of-the-server-0123456789");

	@LocalServerPort
	int port;

	@Test
	void tokenInAuthMessageAuthenticatesTheWebSocket() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(token("alice"), UUID.randomUUID().toString(),
					List.of("inbox:alice", "inbox:bob"));
			assertOnlyOwnInbox(client, ok, "alice", "bob");
		}
	}

	@Test
	void bearerHeaderOnTheUpgradeAuthenticatesTheWebSocket() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + token("bob")))) {
			JsonNode ok = client.auth(null, UUID.randomUUID().toString(), List.of("inbox:bob", "inbox:alice"));
			assertOnlyOwnInbox(client, ok, "bob", "alice");
		}
	}

	@Test
	void queryTokenAuthenticatesSse() {
		JsonNode ok = SecurityTestSupport.sseAuthOk(this.port, "channels=inbox:alice,inbox:bob&token=" + token("alice"),
				SecurityTestSupport.none());
		assertThat(ok.path("heads").has("inbox:alice")).isTrue();
		assertThat(ok.path("heads").has("inbox:bob")).isFalse();
	}

	@Test
	void bearerHeaderAuthenticatesSseAndSend() {
		String clientId = UUID.randomUUID().toString();
		String bearer = "Bearer " + token("alice");
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth(token("bob"), UUID.randomUUID().toString(), List.of("chat:jwt"));
			SecurityTestSupport.sseAuthOk(this.port, "client_id=" + clientId + "&channels=chat:jwt",
					(headers) -> headers.set(HttpHeaders.AUTHORIZATION, bearer));
			ResponseEntity<String> response = SecurityTestSupport.post(this.port, "/send",
					MediaType.APPLICATION_JSON_VALUE, SecurityTestSupport.sendBody(clientId, "chat:jwt", "hi"),
					(headers) -> headers.set(HttpHeaders.AUTHORIZATION, bearer));
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
			assertThat(client.expectFrame().path("payload").path("from").asString()).isEqualTo("alice");
		}
	}

	@Test
	void webSocketWithoutCredentialsIsClosedWith4001() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"capabilities\":[\"chat:x\"]}");
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("unauthorized");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
	}

	@Test
	void badTokenInAuthMessageIsClosedWith4001() {
		for (String bad : List.of(tokenSignedWith(OTHER_KEY, "alice"), expiredToken("alice"), "not-a-jwt")) {
			try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
				client.send("{\"type\":\"auth\",\"token\":\"" + bad + "\",\"capabilities\":[]}");
				assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("unauthorized");
				assertThat(client.awaitClose().code()).isEqualTo(4001);
			}
		}
	}

	@Test
	void badBearerHeaderIsRefusedByTheChainBeforeUpgrading() {
		assertThatIllegalStateException()
			.isThrownBy(
					() -> TestWebSocketClient
						.connect(this.port, "/rps",
								(headers) -> headers.set(HttpHeaders.AUTHORIZATION,
										"Bearer " + tokenSignedWith(OTHER_KEY, "alice"))))
			.withStackTraceContaining("401");
	}

	@Test
	void sseWithoutOrWithBadTokenGets401() {
		assertThat(SecurityTestSupport.sseStatus(this.port, "channels=chat:x", SecurityTestSupport.none()))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(SecurityTestSupport.sseStatus(this.port,
				"channels=chat:x&token=" + tokenSignedWith(OTHER_KEY, "alice"), SecurityTestSupport.none()))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(SecurityTestSupport.sseStatus(this.port, "channels=chat:x&token=" + expiredToken("alice"),
				SecurityTestSupport.none()))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(SecurityTestSupport.sseStatus(this.port, "channels=chat:x",
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + tokenSignedWith(OTHER_KEY, "alice"))))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	private static void assertOnlyOwnInbox(TestWebSocketClient client, JsonNode ok, String user, String other) {
		assertThat(ok.path("heads").has("inbox:" + user)).isTrue();
		assertThat(ok.path("heads").has("inbox:" + other)).isFalse();
		JsonNode error = client.expect("error");
		assertThat(error.path("code").asString()).isEqualTo("forbidden");
		assertThat(error.path("channel").asString()).isEqualTo("inbox:" + other);
	}

	static String token(String user) {
		return tokenSignedWith(KEY, user);
	}

	static String tokenSignedWith(SecretKey key, String user) {
		return encode(key, user, Instant.now(), Instant.now().plusSeconds(300));
	}

	static String expiredToken(String user) {
		return encode(KEY, user, Instant.now().minusSeconds(3600), Instant.now().minusSeconds(1800));
	}

	private static String encode(SecretKey key, String user, Instant issuedAt, Instant expiresAt) {
		JwtClaimsSet claims = JwtClaimsSet.builder().subject(user).issuedAt(issuedAt).expiresAt(expiresAt).build();
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
		return NimbusJwtEncoder.withSecretKey(key)
			.algorithm(MacAlgorithm.HS256)
			.build()
			.encode(JwtEncoderParameters.from(header, claims))
			.getTokenValue();
	}

	private static SecretKey key(String secret) {
		return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(SecurityTestSupport.Channels.class)
	static class JwtApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, PushwireSecurityCustomizer pushwire) {
			pushwire.customize(http);
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()));
			return http.build();
		}

		@Bean
		ReactiveJwtDecoder jwtDecoder() {
			return NimbusReactiveJwtDecoder.withSecretKey(KEY).macAlgorithm(MacAlgorithm.HS256).build();
		}

	}

}

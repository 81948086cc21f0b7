package io.pushwire.autoconfigure.security;

import java.lang.ref.WeakReference;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import tools.jackson.databind.JsonNode;

import io.pushwire.security.CompactAuthentication;
import io.pushwire.security.PushwireSecurityCustomizer;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushSession;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An authenticated WebSocket connection keeps only what it needs of its handshake: once
 * the client is authenticated, neither the upgrade's exchange (with the filter chain's
 * security context and the request's observation), nor the decoded {@link Jwt}, nor the
 * upgrade's request and response headers (which Reactor Netty's WebSocket operations
 * keep) nor the request's full URI is reachable from the open connection, and its
 * principal is a {@link CompactAuthentication} with the name, authorities and expiry.
 */
@SpringBootTest(classes = HandshakeRetentionIntegrationTests.RetentionApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal",
				"spring.security.oauth2.resourceserver.jwt.authorities-claim-name=roles",
				"spring.security.oauth2.resourceserver.jwt.authority-prefix=ROLE_" })
class HandshakeRetentionIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Autowired
	Handshakes handshakes;

	@BeforeEach
	void forget() {
		this.handshakes.jwts.clear();
		this.handshakes.exchanges.clear();
		this.handshakes.requestHeaderValues.clear();
		this.handshakes.responseHeaderValues.clear();
		this.handshakes.uris.clear();
	}

	@Test
	void connectionAuthenticatedByItsAuthMessageKeepsNeitherTheJwtNorTheUpgradeExchange() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set(Handshakes.REQUEST_HEADER, UUID.randomUUID().toString()))) {
			client.auth(JwtResourceServerIntegrationTests.token("alice"), clientId, List.of("chat:retention"));
			assertReleasedWhileConnected(client, clientId, "chat:retention");
		}
	}

	@Test
	void connectionAuthenticatedByTheBearerHeaderOfItsUpgradeKeepsNeitherTheJwtNorTheUpgradeExchange() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps", (headers) -> {
			headers.set(HttpHeaders.AUTHORIZATION, "Bearer " + JwtResourceServerIntegrationTests.token("alice"));
			headers.set(Handshakes.REQUEST_HEADER, UUID.randomUUID().toString());
		})) {
			client.auth(null, clientId, List.of("chat:retention-header"));
			assertReleasedWhileConnected(client, clientId, "chat:retention-header");
		}
	}

	private void assertReleasedWhileConnected(TestWebSocketClient client, String clientId, String channel) {
		assertThat(this.handshakes.jwts).as("JWTs decoded").isNotEmpty();
		assertThat(this.handshakes.exchanges).as("upgrade exchanges").hasSize(1);
		assertThat(this.handshakes.requestHeaderValues).as("request header values seen").hasSize(1);
		assertThat(this.handshakes.responseHeaderValues).as("response header values set").hasSize(1);
		PushSession session = this.pushServer.session(clientId).orElseThrow();
		assertThat(session.principal()).isInstanceOfSatisfying(CompactAuthentication.class, (principal) -> {
			assertThat(principal.getName()).isEqualTo("alice");
			assertThat(principal.getExpiresAt()).isNotNull();
			assertThat(principal.getCredentials()).isNull();
			assertThat(principal.getAuthorities()).extracting(GrantedAuthority::getAuthority)
				.containsExactly("ROLE_USER");
		});
		awaitCollected(this.handshakes.jwts, "the decoded Jwt");
		awaitCollected(this.handshakes.exchanges, "the upgrade's exchange");
		awaitCollected(this.handshakes.requestHeaderValues, "a request header's value (Reactor Netty's request)");
		awaitCollected(this.handshakes.responseHeaderValues, "a response header's value (Reactor Netty's response)");
		awaitCollected(this.handshakes.uris, "the request's full URI");
		// Still connected and subscribed.
		this.pushServer.publish(channel, Map.of("text", "still here")).block(WAIT);
		JsonNode frame = client.expectFrame();
		assertThat(frame.path("payload").path("text").asString()).isEqualTo("still here");
	}

	private static void awaitCollected(List<? extends WeakReference<?>> references, String what) {
		for (int attempt = 0; attempt < 20
				&& references.stream().anyMatch((reference) -> reference.get() != null); attempt++) {
			System.gc();
		}
		assertThat(references).as("%s, reachable from the open connection", what)
			.allMatch((reference) -> reference.get() == null);
	}

	/** Weak references to what each handshake made. */
	static class Handshakes {

		static final String REQUEST_HEADER = "X-Retention";

		static final String RESPONSE_HEADER = "X-Retention-Response";

		final List<WeakReference<Jwt>> jwts = new CopyOnWriteArrayList<>();

		final List<WeakReference<ServerWebExchange>> exchanges = new CopyOnWriteArrayList<>();

		final List<WeakReference<String>> requestHeaderValues = new CopyOnWriteArrayList<>();

		final List<WeakReference<String>> responseHeaderValues = new CopyOnWriteArrayList<>();

		final List<WeakReference<URI>> uris = new CopyOnWriteArrayList<>();

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration" })
	@Import(SecurityTestSupport.Channels.class)
	static class RetentionApplication {

		@Bean
		Handshakes handshakes() {
			return new Handshakes();
		}

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, PushwireSecurityCustomizer pushwire) {
			pushwire.customize(http);
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()));
			return http.build();
		}

		@Bean
		ReactiveJwtDecoder jwtDecoder(Handshakes handshakes) {
			ReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withSecretKey(JwtResourceServerIntegrationTests.KEY)
				.macAlgorithm(MacAlgorithm.HS256)
				.build();
			return (token) -> decoder.decode(token)
				.map((jwt) -> Jwt.withTokenValue(jwt.getTokenValue())
					.headers((headers) -> headers.putAll(jwt.getHeaders()))
					.claims((claims) -> claims.putAll(jwt.getClaims()))
					.claim("roles", List.of("USER"))
					.build())
				.doOnNext((jwt) -> handshakes.jwts.add(new WeakReference<>(jwt)));
		}

		@Bean
		@Order(Ordered.HIGHEST_PRECEDENCE)
		WebFilter upgradeRecorder(Handshakes handshakes) {
			return (exchange, chain) -> {
				if (exchange.getRequest().getPath().value().equals("/rps")) {
					handshakes.exchanges.add(new WeakReference<>(exchange));
					handshakes.uris.add(new WeakReference<>(exchange.getRequest().getURI()));
					// The value as Reactor Netty's request holds it (a String the decoder
					// made), and one that the response's headers hold until the 101.
					String value = exchange.getRequest().getHeaders().getFirst(Handshakes.REQUEST_HEADER);
					if (value != null) {
						handshakes.requestHeaderValues.add(new WeakReference<>(value));
					}
					String responseValue = UUID.randomUUID().toString();
					exchange.getResponse().getHeaders().set(Handshakes.RESPONSE_HEADER, responseValue);
					handshakes.responseHeaderValues.add(new WeakReference<>(responseValue));
				}
				return chain.filter(exchange);
			};
		}

	}

}

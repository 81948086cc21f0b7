package io.pushwire.autoconfigure.security;

import java.util.List;
import java.util.UUID;

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
import org.springframework.security.web.server.SecurityWebFilterChain;
import tools.jackson.databind.JsonNode;

import io.pushwire.security.PushwireSecurityCustomizer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * An application with HTTP Basic that opens pushwire with
 * {@link PushwireSecurityCustomizer}: the credentials on the upgrade and SSE requests
 * authenticate, checked by the application's chain.
 */
@SpringBootTest(classes = HttpBasicIntegrationTests.HttpBasicApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.inbox.subscribe=owner",
				"pushwire.server.channels.chat.priority=normal", "pushwire.server.handshake-timeout=2s" })
class HttpBasicIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void basicCredentialsOnTheUpgradeAuthenticateTheWebSocket() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("alice", "alice-pass")))) {
			JsonNode ok = client.auth(null, UUID.randomUUID().toString(), List.of("inbox:alice", "inbox:bob"));
			assertThat(ok.path("heads").has("inbox:alice")).isTrue();
			assertThat(ok.path("heads").has("inbox:bob")).isFalse();
			JsonNode error = client.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("forbidden");
			assertThat(error.path("channel").asString()).isEqualTo("inbox:bob");
		}
	}

	@Test
	void basicCredentialsAuthenticateSse() {
		JsonNode ok = SecurityTestSupport.sseAuthOk(this.port, "channels=inbox:bob,inbox:alice",
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("bob", "bob-pass")));
		assertThat(ok.path("heads").has("inbox:bob")).isTrue();
		assertThat(ok.path("heads").has("inbox:alice")).isFalse();
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
	void wrongPasswordIsRefusedByTheChainBeforeUpgrading() {
		assertThatIllegalStateException()
			.isThrownBy(() -> TestWebSocketClient.connect(this.port, "/rps",
					(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("alice", "wrong"))))
			.withStackTraceContaining("401");
	}

	@Test
	void sseWithoutOrWithWrongCredentialsGets401() {
		assertThat(SecurityTestSupport.sseStatus(this.port, "channels=chat:x", SecurityTestSupport.none()))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(SecurityTestSupport.sseStatus(this.port, "channels=chat:x",
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("alice", "wrong"))))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void jsonSendWithBasicCredentialsNeedsNoCsrfToken() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("alice", "alice-pass")))) {
			client.auth(null, clientId, List.of("chat:basic"));
			ResponseEntity<String> response = SecurityTestSupport.post(this.port, "/send",
					MediaType.APPLICATION_JSON_VALUE, SecurityTestSupport.sendBody(clientId, "chat:basic", "hi"),
					(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("alice", "alice-pass")));
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
			assertThat(client.expectFrame().path("payload").path("from").asString()).isEqualTo("alice");
		}
	}

	@Test
	void plainTextSendWithBasicCredentialsNeedsCsrfToken() {
		// Browsers replay cached Basic credentials on cross-site requests like cookies.
		String clientId = UUID.randomUUID().toString();
		SecurityTestSupport.sseAuthOk(this.port, "client_id=" + clientId + "&channels=chat:plain",
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("alice", "alice-pass")));
		ResponseEntity<String> response = SecurityTestSupport.post(this.port, "/send", MediaType.TEXT_PLAIN_VALUE,
				SecurityTestSupport.sendBody(clientId, "chat:plain", "forged"),
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("alice", "alice-pass")));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void sendOnAnotherPrincipalsClientIdIsForbidden() {
		String clientId = UUID.randomUUID().toString();
		SecurityTestSupport.sseAuthOk(this.port, "client_id=" + clientId + "&channels=chat:mine",
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("alice", "alice-pass")));
		ResponseEntity<String> response = SecurityTestSupport.post(this.port, "/send", MediaType.APPLICATION_JSON_VALUE,
				SecurityTestSupport.sendBody(clientId, "chat:mine", "hijack"),
				(headers) -> headers.set(HttpHeaders.AUTHORIZATION, basic("bob", "bob-pass")));
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(response.getBody()).contains("\"forbidden\"");
	}

	@Test
	void customizerAfterAnyExchangeFailsWithAnExplanation() {
		ServerHttpSecurity http = ServerHttpSecurity.http();
		http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
		assertThatIllegalStateException()
			.isThrownBy(() -> new PushwireSecurityCustomizer("/rps", List.of()).customize(http))
			.withMessageContaining("before authorizeExchange");
	}

	static String basic(String user, String password) {
		return "Basic " + HttpHeaders.encodeBasicAuth(user, password, null);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ SecurityTestSupport.Channels.class, SecurityTestSupport.Users.class })
	static class HttpBasicApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, PushwireSecurityCustomizer pushwire) {
			pushwire.customize(http);
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.httpBasic(Customizer.withDefaults());
			return http.build();
		}

	}

}

package io.pushwire.autoconfigure.security;

import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.security.PushwireSecurityCustomizer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application with form login and session cookies that opens pushwire with
 * {@link PushwireSecurityCustomizer} in its own chain: the session's principal
 * authenticates the WebSocket and SSE, and the session cookie cannot be used for
 * cross-site posts to ack or send.
 */
@SpringBootTest(classes = FormLoginIntegrationTests.FormLoginApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.inbox.subscribe=owner",
				"pushwire.server.channels.chat.priority=normal", "pushwire.server.handshake-timeout=2s" })
class FormLoginIntegrationTests {

	private static final Pattern CSRF_INPUT = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

	@LocalServerPort
	int port;

	@Test
	void sessionCookieAuthenticatesWebSocketAsTheSignedInUser() {
		String session = login("alice", "alice-pass");
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set(HttpHeaders.COOKIE, "SESSION=" + session))) {
			JsonNode ok = client.auth(null, UUID.randomUUID().toString(), List.of("inbox:alice", "inbox:bob"));
			assertThat(ok.path("heads").has("inbox:alice")).isTrue();
			assertThat(ok.path("heads").has("inbox:bob")).isFalse();
			JsonNode error = client.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("forbidden");
			assertThat(error.path("channel").asString()).isEqualTo("inbox:bob");
		}
	}

	@Test
	void sessionCookieAuthenticatesSse() {
		String session = login("bob", "bob-pass");
		JsonNode ok = SecurityTestSupport.sseAuthOk(this.port, "channels=inbox:bob,inbox:alice",
				(headers) -> headers.set(HttpHeaders.COOKIE, "SESSION=" + session));
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
	void webSocketWithUnknownSessionIsClosedWith4001() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set(HttpHeaders.COOKIE, "SESSION=not-a-session"))) {
			client.send("{\"type\":\"auth\",\"capabilities\":[]}");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
	}

	@Test
	void sseWithoutCredentialsGets401() {
		assertThat(SecurityTestSupport.sseStatus(this.port, "channels=chat:x", SecurityTestSupport.none()))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
	}

	@Test
	void otherRoutesStillNeedLogin() {
		HttpStatus status = (HttpStatus) SecurityTestSupport.client(this.port)
			.get()
			.uri("/private")
			.exchangeToMono((response) -> Mono.just(response.statusCode()))
			.block(TestWebSocketClient.TIMEOUT);
		assertThat(status.is3xxRedirection()).isTrue();
	}

	@Test
	void jsonSendWithSessionCookieNeedsNoCsrfToken() {
		String session = login("alice", "alice-pass");
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set(HttpHeaders.COOKIE, "SESSION=" + session))) {
			client.auth(null, clientId, List.of("chat:csrf"));
			ResponseEntity<String> response = SecurityTestSupport.post(this.port, "/send",
					MediaType.APPLICATION_JSON_VALUE, SecurityTestSupport.sendBody(clientId, "chat:csrf", "hi"),
					(headers) -> {
						headers.set(HttpHeaders.COOKIE, "SESSION=" + session);
						headers.setOrigin("http://localhost:" + this.port);
					});
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.ACCEPTED);
			JsonNode frame = client.expectFrame();
			assertThat(frame.path("payload").path("from").asString()).isEqualTo("alice");
		}
	}

	@Test
	void crossSiteFormPostWithSessionCookieIsRefusedWithoutCsrfToken() {
		String session = login("alice", "alice-pass");
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set(HttpHeaders.COOKIE, "SESSION=" + session))) {
			client.auth(null, clientId, List.of("chat:forged"));
			// What a foreign page can send without a preflight: a "simple" content type.
			for (String type : List.of(MediaType.TEXT_PLAIN_VALUE, MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
				ResponseEntity<String> response = SecurityTestSupport.post(this.port, "/send", type,
						SecurityTestSupport.sendBody(clientId, "chat:forged", "forged"), (headers) -> {
							headers.set(HttpHeaders.COOKIE, "SESSION=" + session);
							headers.setOrigin("https://evil.example");
						});
				assertThat(response.getStatusCode()).as(type).isEqualTo(HttpStatus.FORBIDDEN);
			}
			ResponseEntity<String> ack = SecurityTestSupport.post(this.port, "/ack", MediaType.TEXT_PLAIN_VALUE,
					"{\"client_id\":\"" + clientId + "\",\"channel\":\"chat:forged\",\"cursor\":0}",
					(headers) -> headers.set(HttpHeaders.COOKIE, "SESSION=" + session));
			assertThat(ack.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
			client.expectSilence(java.time.Duration.ofMillis(300));
		}
	}

	@Test
	void jsonSendFromForeignOriginIsRefused() {
		String session = login("alice", "alice-pass");
		String clientId = UUID.randomUUID().toString();
		SecurityTestSupport.sseAuthOk(this.port, "client_id=" + clientId + "&channels=chat:foreign",
				(headers) -> headers.set(HttpHeaders.COOKIE, "SESSION=" + session));
		ResponseEntity<String> response = SecurityTestSupport.post(this.port, "/send", MediaType.APPLICATION_JSON_VALUE,
				SecurityTestSupport.sendBody(clientId, "chat:foreign", "forged"), (headers) -> {
					headers.set(HttpHeaders.COOKIE, "SESSION=" + session);
					headers.setOrigin("https://evil.example");
				});
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
	}

	@Test
	void plainPostWithCsrfTokenIsStillAccepted() {
		Login login = loginWithToken("alice", "alice-pass");
		String clientId = UUID.randomUUID().toString();
		SecurityTestSupport.sseAuthOk(this.port, "client_id=" + clientId + "&channels=chat:token",
				(headers) -> headers.set(HttpHeaders.COOKIE, "SESSION=" + login.session()));
		ResponseEntity<String> response = SecurityTestSupport.post(this.port, "/ack", MediaType.TEXT_PLAIN_VALUE,
				"{\"client_id\":\"" + clientId + "\",\"channel\":\"chat:token\",\"cursor\":0}", (headers) -> {
					headers.set(HttpHeaders.COOKIE, "SESSION=" + login.session());
					headers.set("X-CSRF-TOKEN", login.csrf());
				});
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
	}

	private String login(String user, String password) {
		return loginWithToken(user, password).session();
	}

	/**
	 * Log in through the login page; the session and a CSRF token of the signed-in
	 * session.
	 */
	private Login loginWithToken(String user, String password) {
		Login page = loginPage(null);
		String session = SecurityTestSupport.client(this.port)
			.post()
			.uri("/login")
			.cookie("SESSION", page.session())
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData("username", user).with("password", password).with("_csrf", page.csrf()))
			.exchangeToMono((response) -> {
				assertThat(response.statusCode().is3xxRedirection()).isTrue();
				assertThat(response.headers().asHttpHeaders().getLocation()).hasToString("/");
				ResponseCookie cookie = response.cookies().getFirst("SESSION");
				// A new session id after login (session fixation protection)
				return Mono.just((cookie != null) ? cookie.getValue() : page.session());
			})
			.block(TestWebSocketClient.TIMEOUT);
		return loginPage(session);
	}

	private Login loginPage(String session) {
		return SecurityTestSupport.client(this.port).get().uri("/login").headers((headers) -> {
			if (session != null) {
				headers.set(HttpHeaders.COOKIE, "SESSION=" + session);
			}
		}).exchangeToMono((response) -> response.bodyToMono(String.class).map((body) -> {
			Matcher matcher = CSRF_INPUT.matcher(body);
			assertThat(matcher.find()).as("CSRF token in %s", body).isTrue();
			ResponseCookie cookie = response.cookies().getFirst("SESSION");
			return new Login((cookie != null) ? cookie.getValue() : session, matcher.group(1));
		})).block(TestWebSocketClient.TIMEOUT);
	}

	private record Login(String session, String csrf) {
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ SecurityTestSupport.Channels.class, SecurityTestSupport.Users.class })
	static class FormLoginApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, PushwireSecurityCustomizer pushwire) {
			pushwire.customize(http);
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.formLogin(Customizer.withDefaults());
			return http.build();
		}

	}

}

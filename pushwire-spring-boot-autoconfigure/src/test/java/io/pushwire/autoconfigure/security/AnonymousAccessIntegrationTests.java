package io.pushwire.autoconfigure.security;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pushwire.server.allow-anonymous=true} in an application with HTTP Basic: clients
 * without credentials are admitted, each as {@code anonymous:<client id>}, and get only
 * what anonymous clients may use. (Without the property they are closed with 4001: see
 * the other tests here.)
 */
@SpringBootTest(classes = HttpBasicIntegrationTests.HttpBasicApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.allow-anonymous=true", "pushwire.server.channels.inbox.subscribe=owner",
				"pushwire.server.channels.open.subscribe=anonymous", "pushwire.server.channels.open.publish=anonymous",
				"pushwire.server.handshake-timeout=2s" })
class AnonymousAccessIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void clientWithoutCredentialsIsAdmittedAsAnonymousOfItsClientId() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(null, clientId, List.of("open:lobby"));
			assertThat(ok.path("client_id").asString()).isEqualTo(clientId);
			assertThat(ok.path("heads").has("open:lobby")).isTrue();
			client.send("{\"channel\":\"open:lobby\",\"payload\":{\"text\":\"hi\"}}");
			assertThat(client.expectFrame().path("payload").path("from").asString()).isEqualTo("anonymous:" + clientId);
		}
	}

	@Test
	void anonymousClientGetsNoAuthenticatedChannels() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(null, clientId, List.of("inbox:anonymous:" + clientId));
			assertThat(ok.path("heads").size()).isZero();
			assertThat(client.expect("error").path("code").asString()).isEqualTo("forbidden");
		}
	}

	@Test
	void anonymousSseIsAdmitted() {
		JsonNode ok = SecurityTestSupport.sseAuthOk(this.port, "channels=open:lobby", SecurityTestSupport.none());
		assertThat(ok.path("heads").has("open:lobby")).isTrue();
	}

	@Test
	void badTokenIsNotDowngradedToAnonymous() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"forged\",\"capabilities\":[\"open:lobby\"]}");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
	}

	@Test
	void anonymousSessionCannotBeTakenOverWithoutItsSecret() {
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient owner = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = owner.auth(null, clientId, List.of("open:lobby"));
			String secret = ok.path("session_secret").asString("");
			assertThat(secret).hasSizeGreaterThanOrEqualTo(22).matches("[A-Za-z0-9_-]+");
			// Anyone who saw the client id in a frame tries to take the session over.
			try (TestWebSocketClient intruder = TestWebSocketClient.connect(this.port)) {
				intruder.send("{\"type\":\"auth\",\"client_id\":\"" + clientId + "\",\"capabilities\":[]}");
				assertThat(intruder.awaitClose().code()).isEqualTo(4003);
			}
			try (TestWebSocketClient intruder = TestWebSocketClient.connect(this.port)) {
				intruder.send("{\"type\":\"auth\",\"client_id\":\"" + clientId + "\",\"session_secret\":\""
						+ secret.substring(1) + "x\",\"capabilities\":[]}");
				assertThat(intruder.awaitClose().code()).isEqualTo(4003);
			}
			assertThat(SecurityTestSupport
				.sseStatus(this.port, "client_id=" + clientId + "&channels=open:lobby", SecurityTestSupport.none())
				.value()).isEqualTo(403);
			assertThat(SecurityTestSupport
				.sseStatus(this.port, "client_id=" + clientId + "&session_secret=wrong&channels=open:lobby",
						SecurityTestSupport.none())
				.value()).isEqualTo(403);
			String ack = "{\"client_id\":\"" + clientId + "\",\"channel\":\"open:lobby\",\"cursor\":0}";
			assertThat(SecurityTestSupport.post(this.port, "/ack", "application/json", ack, SecurityTestSupport.none())
				.getStatusCode()
				.value()).isEqualTo(403);
			assertThat(SecurityTestSupport
				.post(this.port, "/send", "application/json",
						SecurityTestSupport.sendBody(clientId, "open:lobby", "forged"), SecurityTestSupport.none())
				.getStatusCode()
				.value()).isEqualTo(403);
			// The owner was neither replaced nor sent anything by the attempts.
			owner.expectSilence(java.time.Duration.ofMillis(200));
			assertThat(owner.isClosed()).isFalse();
			String ownAck = ack.replace("}", ",\"session_secret\":\"" + secret + "\"}");
			assertThat(
					SecurityTestSupport.post(this.port, "/ack", "application/json", ownAck, SecurityTestSupport.none())
						.getStatusCode()
						.value())
				.isEqualTo(204);
			String ownSend = SecurityTestSupport.sendBody(clientId, "open:lobby", "mine")
				.replace("}}", "},\"session_secret\":\"" + secret + "\"}");
			assertThat(SecurityTestSupport
				.post(this.port, "/send", "application/json", ownSend, SecurityTestSupport.none())
				.getStatusCode()
				.value()).isEqualTo(202);
			assertThat(owner.expectFrame().path("payload").path("text").asString()).isEqualTo("mine");
			// With its secret, the owner's own reconnect takes the session over; no new
			// secret is handed out.
			try (TestWebSocketClient again = TestWebSocketClient.connect(this.port)) {
				again.send("{\"type\":\"auth\",\"client_id\":\"" + clientId + "\",\"session_secret\":\"" + secret
						+ "\",\"capabilities\":[\"open:lobby\"]}");
				JsonNode resumed = again.expect("auth_ok");
				assertThat(resumed.has("session_secret")).isFalse();
				assertThat(owner.expect("goodbye").path("reason").asString()).isEqualTo("replaced");
			}
			assertThat(SecurityTestSupport
				.sseAuthOk(this.port, "client_id=" + clientId + "&session_secret=" + secret + "&channels=open:lobby",
						SecurityTestSupport.none())
				.has("session_secret")).isFalse();
		}
	}

	@Test
	void authenticatedSessionsGetNoSessionSecret() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port, "/rps",
				(headers) -> headers.set("Authorization", "Basic YWxpY2U6YWxpY2UtcGFzcw=="))) {
			assertThat(client.auth(null, UUID.randomUUID().toString(), List.of()).has("session_secret")).isFalse();
		}
	}

}

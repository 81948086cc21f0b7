package io.pushwire.autoconfigure.security;

import java.util.List;
import java.util.UUID;

import io.pushwire.server.TestWebSocketClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import static io.pushwire.autoconfigure.security.SecurityTestSupport.none;
import static io.pushwire.autoconfigure.security.SecurityTestSupport.sseAuthOk;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pushwire.server.allow-anonymous=true} in an application with HTTP Basic: clients without
 * credentials are admitted, each as {@code anonymous:<client id>}, and get only what anonymous
 * clients may use. (Without the property they are closed with 4001: see the other tests here.)
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
			assertThat(client.expectFrame().path("payload").path("from").asString())
				.isEqualTo("anonymous:" + clientId);
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
		JsonNode ok = sseAuthOk(this.port, "channels=open:lobby", none());
		assertThat(ok.path("heads").has("open:lobby")).isTrue();
	}

	@Test
	void badTokenIsNotDowngradedToAnonymous() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"forged\",\"capabilities\":[\"open:lobby\"]}");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
	}

}

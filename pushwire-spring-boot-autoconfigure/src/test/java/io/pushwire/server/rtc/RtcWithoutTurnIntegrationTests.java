package io.pushwire.server.rtc;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server with rooms but without {@code pushwire.server.rtc.turn.secret}: TURN requests
 * are refused with {@code no_handler} (PROTOCOL.md §10.3), and the connection serves on.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.rtc.priority=normal", "pushwire.server.heartbeat=30s" })
class RtcWithoutTurnIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void refusesTurnCredentialsWithNoHandler() {
		String room = "rtc:" + UUID.randomUUID();
		try (TestWebSocketClient alice = TestWebSocketClient.connect(this.port)) {
			alice.auth("token-alice", null, List.of(room));
			alice.send(Map.of("channel", room, "payload", Map.of("type", "turn_credentials")));
			JsonNode error = alice.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("no_handler");
			assertThat(error.path("channel").asString()).isEqualTo(room);
			assertThat(error.path("message").asString()).contains("pushwire.server.rtc.turn.secret");
			alice.send(Map.of("channel", room, "payload", Map.of("type", "peer_discovery")));
			assertThat(alice.expectFrame().path("payload").path("peers")).isEmpty();
		}
	}

}

package io.pushwire.server.websocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retained history is bounded by {@code max-retained-bytes} over all channels, however
 * many new topics are published to.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal", "pushwire.server.max-retained-bytes=4MB",
				"pushwire.server.max-queued-bytes=16MB" })
class RetentionIntegrationTests {

	private static final long MAX_RETAINED = 4 * 1024 * 1024;

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Test
	void framesOnManyNewTopicsRetainAtMostMaxRetainedBytesAndTheEvictedResumeWithResumeRequired() {
		String prefix = "chat:flood-" + UUID.randomUUID().toString().substring(0, 8) + "-";
		String text = "x".repeat(48 * 1024);
		List<String> channels = new ArrayList<>();
		for (int i = 0; i < 150; i++) {
			channels.add(prefix + i);
			this.pushServer.publish(prefix + i, Map.of("text", text)).block(WAIT);
			assertThat(this.pushServer.retainedBytes()).as("retained after frame %d", i)
				.isLessThanOrEqualTo(MAX_RETAINED);
		}
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			ObjectNode auth = TestWebSocketClient.mapper().createObjectNode();
			auth.put("type", "auth").put("token", "token-alice");
			auth.set("capabilities", TestWebSocketClient.mapper().valueToTree(channels));
			Map<String, Long> fromZero = new LinkedHashMap<>();
			channels.forEach((channel) -> fromZero.put(channel, 0L));
			auth.set("resume_cursors", TestWebSocketClient.mapper().valueToTree(fromZero));
			client.send(auth.toString());
			JsonNode ok = client.expect("auth_ok");
			int expected = 0;
			for (String channel : channels) {
				expected += (int) (ok.path("heads").path(channel).asLong()
						- ok.path("resume_cursors").path(channel).asLong());
			}
			long bytes = 0;
			long largest = 0;
			int frames = 0;
			int resumeRequired = 0;
			while (frames < expected) {
				JsonNode message = client.nextNonPing();
				if (message.has("type")) {
					assertThat(message.path("type").asString()).isEqualTo("resume_required");
					resumeRequired++;
					continue;
				}
				long size = message.toString().getBytes(StandardCharsets.UTF_8).length;
				bytes += size;
				largest = Math.max(largest, size);
				frames++;
			}
			assertThat(frames).isPositive();
			assertThat(bytes).isLessThanOrEqualTo(MAX_RETAINED + largest);
			assertThat(resumeRequired).as("channels whose frame was evicted").isEqualTo(150 - frames);
			client.expectSilence(Duration.ofMillis(300));
		}
		assertThat(this.pushServer.retainedBytes()).isLessThanOrEqualTo(MAX_RETAINED);
	}

}

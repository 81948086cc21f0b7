package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushIntegrationTest;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-side subscribers ({@link PushServer#subscribe}) next to WebSocket clients.
 */
@PushIntegrationTest
class ServerSubscriberIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Test
	void serverSideSubscriberThatRepliesOnTheSameChannelCostsWebSocketClientsNoFrame() {
		String channel = "chat:reply-" + UUID.randomUUID().toString().substring(0, 8);
		Disposable replier = this.pushServer.subscribe(channel)
			.filter((frame) -> "question".equals(frame.payload().asString()))
			.subscribe((frame) -> this.pushServer.publish(channel, "answer").subscribe());
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of(channel));
			this.pushServer.publish(channel, "question").block(WAIT);
			List<JsonNode> frames = framesWithin(client, 2, WAIT);
			assertThat(frames).extracting((frame) -> frame.path("cursor").asLong()).containsExactly(1L, 2L);
			assertThat(frames).extracting((frame) -> frame.path("payload").asString())
				.containsExactly("question", "answer");
		}
		finally {
			replier.dispose();
		}
	}

	/**
	 * Up to count frames, answering pings, for at most the timeout (a lost frame fails,
	 * not hangs).
	 */
	private static List<JsonNode> framesWithin(TestWebSocketClient client, int count, Duration timeout) {
		List<JsonNode> frames = new ArrayList<>();
		long deadline = System.nanoTime() + timeout.toNanos();
		while (frames.size() < count && System.nanoTime() < deadline) {
			JsonNode message = client.poll(Duration.ofMillis(100));
			if (message == null) {
				continue;
			}
			if ("ping".equals(message.path("type").asString(""))) {
				client.send("{\"type\":\"pong\"}");
			}
			else if (!message.has("type")) {
				frames.add(message);
			}
		}
		return frames;
	}

}

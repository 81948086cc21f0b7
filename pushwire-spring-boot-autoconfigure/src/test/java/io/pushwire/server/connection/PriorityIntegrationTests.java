package io.pushwire.server.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushServer;
import io.pushwire.server.PushSession;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Strict priority between lanes on one connection (PROTOCOL.md §6): high-priority frames
 * overtake queued low-priority ones while each channel keeps its cursor order. The queue
 * is large here so that plenty of frames wait in it without the client being shed.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.urgent.priority=high", "pushwire.server.channels.lazy.priority=low",
				"pushwire.server.channels.lazy.history-size=8192", "pushwire.server.max-queued-bytes=16MB" })
class PriorityIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String PAYLOAD = "x".repeat(4000);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Test
	void highPriorityFramesOvertakeQueuedLowPriorityFramesKeepingEachChannelsOrder() {
		String lazy = "lazy:" + UUID.randomUUID().toString().substring(0, 8);
		String urgent = "urgent:" + UUID.randomUUID().toString().substring(0, 8);
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", clientId, List.of(lazy, urgent));
			client.pauseReading();
			PushSession session = this.pushServer.session(clientId).orElseThrow();
			ClientConnection connection = ((DefaultPushSession) session).connection();
			int lows = 0;
			long deadline = System.nanoTime() + WAIT.toNanos();
			// Fill the socket buffers until frames wait in the server's queue, well below
			// its bound.
			while (connection.queuedBytes() < 2 * 1024 * 1024 && System.nanoTime() < deadline) {
				this.pushServer.publish(lazy, PAYLOAD).block(WAIT);
				lows++;
			}
			assertThat(connection.queuedBytes()).isGreaterThanOrEqualTo(2 * 1024 * 1024);
			for (int i = 0; i < 5; i++) {
				this.pushServer.publish(urgent, i).block(WAIT);
			}
			client.resumeReading();
			List<JsonNode> frames = client.frames(lows + 5);
			List<Long> lowCursors = new ArrayList<>();
			List<Long> highCursors = new ArrayList<>();
			int lastHighIndex = -1;
			for (int i = 0; i < frames.size(); i++) {
				JsonNode frame = frames.get(i);
				if (frame.path("channel").asString().equals(urgent)) {
					highCursors.add(frame.path("cursor").asLong());
					lastHighIndex = i;
				}
				else {
					lowCursors.add(frame.path("cursor").asLong());
				}
			}
			assertThat(highCursors).containsExactly(1L, 2L, 3L, 4L, 5L);
			assertThat(lowCursors).isSorted().hasSize(lows).doesNotHaveDuplicates();
			int lowsAfterLastHigh = frames.size() - 1 - lastHighIndex;
			// The low frames still in the server's queue (2 MB of 4 KB frames, more than
			// the socket
			// buffers take meanwhile) came after.
			assertThat(lowsAfterLastHigh).isGreaterThanOrEqualTo(100);
		}
	}

}

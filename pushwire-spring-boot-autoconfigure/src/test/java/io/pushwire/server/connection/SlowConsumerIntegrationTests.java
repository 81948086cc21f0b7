package io.pushwire.server.connection;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounded delivery (PROTOCOL.md §6): a client that stops reading is shed with 4008
 * without slowing anyone else or growing the server's memory, and resumes without loss.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.bulk.history-size=4096",
				"pushwire.server.channels.urgent.priority=high", "pushwire.server.channels.lazy.priority=low",
				"pushwire.server.channels.lazy.history-size=4096", "pushwire.server.max-queued-bytes=1MB" })
class SlowConsumerIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String PAYLOAD = "x".repeat(4000);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Test
	void clientThatStopsReadingIsShedWith4008WhileOthersGetEverythingAndItResumesWithoutLoss() {
		String channel = "bulk:" + UUID.randomUUID().toString().substring(0, 8);
		String slowId = UUID.randomUUID().toString();
		int count = 2500; // 2,500 frames of 4 KB: 10 MB
		long heapBefore = usedHeapAfterGc();
		try (TestWebSocketClient slow = TestWebSocketClient.connect(this.port);
				TestWebSocketClient fast = TestWebSocketClient.connect(this.port)) {
			String epoch = slow.auth("token-alice", slowId, List.of(channel)).path("epochs").path(channel).asString();
			fast.auth("token-bob", null, List.of(channel));
			slow.pauseReading();
			long start = System.nanoTime();
			// About 4 MB/s: a pace a reading client keeps up with on loopback.
			Flux.interval(Duration.ofMillis(1))
				.take(count)
				.onBackpressureBuffer()
				.concatMap((i) -> this.pushServer.publish(channel, PAYLOAD))
				.subscribe();
			// A reading client may still be told it is slow when the machine starves its
			// reader thread
			// (the test shares two cores with the server): it is never shed and gets
			// every frame.
			List<JsonNode> fastFrames = new ArrayList<>();
			while (fastFrames.size() < count) {
				JsonNode message = fast.nextNonPing();
				if (!"slow".equals(message.path("type").asString(""))) {
					assertThat(message.has("channel") && !message.has("type")).as("frame expected, got %s", message)
						.isTrue();
					fastFrames.add(message);
				}
			}
			Duration fastTook = Duration.ofNanos(System.nanoTime() - start);
			assertThat(fastFrames.get(count - 1).path("cursor").asLong()).isEqualTo(count);
			assertThat(fastTook).as("the fast client is not held back").isLessThan(Duration.ofSeconds(15));

			long heapAfter = usedHeapAfterGc();
			// The stream's window holds the 10 MB of frames (payload and encoding); the
			// shed client's
			// queue is gone. Nothing else may have grown.
			assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(64L * 1024 * 1024);

			slow.resumeReading();
			long last = 0;
			boolean goodbye = false;
			while (!goodbye) {
				JsonNode message = slow.nextNonPing();
				if (message.has("type")) {
					if ("slow".equals(message.path("type").asString())) {
						continue;
					}
					assertThat(message.path("type").asString()).isEqualTo("goodbye");
					assertThat(message.path("reason").asString()).isEqualTo("slow_consumer");
					goodbye = true;
				}
				else {
					assertThat(message.path("cursor").asLong()).isEqualTo(last + 1);
					last = message.path("cursor").asLong();
				}
			}
			assertThat(slow.awaitClose().code()).isEqualTo(4008);
			assertThat(last).as("shed before the end").isLessThan(count);

			try (TestWebSocketClient again = TestWebSocketClient.connect(this.port)) {
				again.send("{\"type\":\"auth\",\"token\":\"token-alice\",\"client_id\":\"" + slowId
						+ "\",\"capabilities\":[\"" + channel + "\"],\"resume_cursors\":{\"" + channel + "\":" + last
						+ "},\"resume_epochs\":{\"" + channel + "\":\"" + epoch + "\"}}");
				assertThat(again.expect("auth_ok").path("resume_cursors").path(channel).asLong()).isEqualTo(last);
				List<JsonNode> rest = again.frames((int) (count - last));
				for (int i = 0; i < rest.size(); i++) {
					assertThat(rest.get(i).path("cursor").asLong()).isEqualTo(last + 1 + i);
				}
			}
		}
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}

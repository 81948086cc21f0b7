package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.Frame;
import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;
import io.pushwire.server.PublishResult;
import io.pushwire.server.PushIntegrationTest;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Cursors, replay and resume end to end (PROTOCOL.md §5).
 */
@PushIntegrationTest
class ResumeIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Test
	void resumesAfterDisconnectWithoutLossOrDuplicatesWhilePublishingContinues() throws Exception {
		String channel = "chat:resume-" + UUID.randomUUID().toString().substring(0, 8);
		String clientId = UUID.randomUUID().toString();
		AtomicLong head = new AtomicLong();
		Disposable publisher = Flux.interval(Duration.ofMillis(2))
			.onBackpressureDrop()
			.concatMap((i) -> this.pushServer.publish(channel, Map.of("n", i)), 1)
			.subscribe((result) -> head.set(result.cursor()));
		long last;
		String epoch;
		try {
			try (TestWebSocketClient first = TestWebSocketClient.connect(this.port)) {
				JsonNode ok = first.auth("token-alice", clientId, List.of(channel));
				epoch = ok.path("epochs").path(channel).asString();
				long start = ok.path("resume_cursors").path(channel).asLong();
				List<JsonNode> frames = first.frames(100);
				assertConsecutive(frames, start + 1);
				last = frames.get(99).path("cursor").asLong();
			}
			long target = last + 500;
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (head.get() < target && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(head.get()).as("500 frames published while disconnected").isGreaterThanOrEqualTo(target);
			try (TestWebSocketClient second = TestWebSocketClient.connect(this.port)) {
				second.send("{\"type\":\"auth\",\"token\":\"token-alice\",\"client_id\":\"" + clientId
						+ "\",\"capabilities\":[\"" + channel + "\"],\"resume_cursors\":{\"" + channel + "\":" + last
						+ "},\"resume_epochs\":{\"" + channel + "\":\"" + epoch + "\"}}");
				JsonNode ok = second.expect("auth_ok");
				assertThat(ok.path("resume_cursors").path(channel).asLong()).isEqualTo(last);
				List<JsonNode> replayed = second.frames(600);
				assertConsecutive(replayed, last + 1);
				publisher.dispose();
				long end = this.pushServer.publish(channel, "end").block(WAIT).cursor();
				long received = replayed.get(replayed.size() - 1).path("cursor").asLong();
				List<JsonNode> rest = second.frames((int) (end - received));
				assertConsecutive(rest, received + 1);
				assertThat(rest.get(rest.size() - 1).path("payload").asString()).isEqualTo("end");
			}
		}
		finally {
			publisher.dispose();
		}
	}

	@Test
	void differentEpochGetsResumeRequiredAndReplayFromTheOldest() {
		String channel = "chat:epoch-" + UUID.randomUUID().toString().substring(0, 8);
		PublishResult first = null;
		for (int i = 1; i <= 5; i++) {
			PublishResult result = this.pushServer.publish(channel, i).block(WAIT);
			first = (first != null) ? first : result;
		}
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"token-alice\",\"capabilities\":[\"" + channel
					+ "\"],\"resume_cursors\":{\"" + channel + "\":3},\"resume_epochs\":{\"" + channel
					+ "\":\"oldEpoch\"}}");
			JsonNode ok = client.expect("auth_ok");
			assertThat(ok.path("resume_cursors").path(channel).asLong()).isZero();
			JsonNode resume = client.expect("resume_required");
			assertThat(resume.path("channel").asString()).isEqualTo(channel);
			assertThat(resume.path("from_cursor").asLong()).isEqualTo(1);
			assertThat(resume.path("epoch").asString()).isEqualTo(first.epoch());
			assertConsecutive(client.frames(5), 1);
		}
	}

	@Test
	void serverSideSubscriberFromAnotherEpochGetsResumeRequiredThenTheWindow() {
		String channel = "small:server-" + UUID.randomUUID().toString().substring(0, 8);
		String epoch = null;
		for (int i = 1; i <= 12; i++) {
			epoch = this.pushServer.publish(channel, i).block(WAIT).epoch();
		}
		List<PushMessage> otherEpoch = this.pushServer.subscribe(channel, 5, "oldEpoch")
			.take(11)
			.collectList()
			.block(WAIT);
		assertThat(otherEpoch.get(0)).isEqualTo(new SystemOp.ResumeRequired(channel, 3, epoch));
		assertThat(otherEpoch.subList(1, 11)).extracting((message) -> ((Frame) message).cursor())
			.containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
		List<PushMessage> sameEpoch = this.pushServer.subscribe(channel, 10, epoch).take(2).collectList().block(WAIT);
		assertThat(sameEpoch).extracting((message) -> ((Frame) message).cursor()).containsExactly(11L, 12L);
	}

	@Test
	void cursorOlderThanTheWindowGetsResumeRequiredFromTheOldestHeld() {
		String channel = "small:window-" + UUID.randomUUID().toString().substring(0, 8);
		String epoch = null;
		for (int i = 1; i <= 50; i++) {
			epoch = this.pushServer.publish(channel, i).block(WAIT).epoch();
		}
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"token-alice\",\"capabilities\":[\"" + channel
					+ "\"],\"resume_cursors\":{\"" + channel + "\":5},\"resume_epochs\":{\"" + channel + "\":\"" + epoch
					+ "\"}}");
			JsonNode ok = client.expect("auth_ok");
			assertThat(ok.path("resume_cursors").path(channel).asLong()).isEqualTo(40);
			assertThat(ok.path("heads").path(channel).asLong()).isEqualTo(50);
			assertThat(client.expect("resume_required").path("from_cursor").asLong()).isEqualTo(41);
			assertConsecutive(client.frames(10), 41);
		}
	}

	@Test
	void cursorBeyondTheHeadGetsResumeRequired() {
		String channel = "chat:ahead-" + UUID.randomUUID().toString().substring(0, 8);
		this.pushServer.publish(channel, 1).block(WAIT);
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"token-alice\",\"capabilities\":[\"" + channel
					+ "\"],\"resume_cursor\":99}");
			client.expect("auth_ok");
			assertThat(client.expect("resume_required").path("from_cursor").asLong()).isEqualTo(1);
			assertConsecutive(client.frames(1), 1);
		}
	}

	@Test
	void reconnectWithoutCursorsResumesFromTheAcknowledgedCursor() {
		String channel = "chat:acks-" + UUID.randomUUID().toString().substring(0, 8);
		String clientId = UUID.randomUUID().toString();
		try (TestWebSocketClient first = TestWebSocketClient.connect(this.port)) {
			first.auth("token-alice", clientId, List.of(channel));
			for (int i = 1; i <= 10; i++) {
				this.pushServer.publish(channel, i).block(WAIT);
			}
			assertConsecutive(first.frames(10), 1);
			first.send("{\"type\":\"ack\",\"channel\":\"" + channel + "\",\"cursor\":7}");
			first.send("{\"type\":\"ack\",\"channel\":\"" + channel + "\",\"cursor\":11}");
			assertThat(first.expect("error").path("code").asString()).isEqualTo("bad_message");
			first.send("{\"type\":\"ack\",\"channel\":\"" + channel + "\",\"cursor\":3}");
			first.send("{\"type\":\"ping\"}");
			first.expect("pong");
		}
		try (TestWebSocketClient second = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = second.auth("token-alice", clientId, List.of(channel));
			assertThat(ok.path("resume_cursors").path(channel).asLong()).isEqualTo(7);
			assertConsecutive(second.frames(3), 8);
		}
	}

	@Test
	void newClientWithoutCursorStartsLive() {
		String channel = "chat:live-" + UUID.randomUUID().toString().substring(0, 8);
		this.pushServer.publish(channel, "old").block(WAIT);
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth("token-alice", null, List.of(channel));
			assertThat(ok.path("resume_cursors").path(channel).asLong()).isEqualTo(1);
			this.pushServer.publish(channel, "new").block(WAIT);
			JsonNode frame = client.expectFrame();
			assertThat(frame.path("payload").asString()).isEqualTo("new");
			assertThat(frame.path("cursor").asLong()).isEqualTo(2);
		}
	}

	@Test
	void highPriorityFramesAreNotHeldBehindLowPriorityReplay() {
		String low = "ticker:prio-" + UUID.randomUUID().toString().substring(0, 8);
		for (int i = 1; i <= 20; i++) {
			this.pushServer.publish(low, i).block(WAIT);
		}
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"token-alice\",\"capabilities\":[\"" + low
					+ "\",\"alerts:prio\"],\"resume_cursors\":{\"" + low + "\":0}}");
			client.expect("auth_ok");
			List<JsonNode> frames = client.frames(20);
			assertConsecutive(frames, 1);
		}
	}

	private static void assertConsecutive(List<JsonNode> frames, long first) {
		for (int i = 0; i < frames.size(); i++) {
			assertThat(frames.get(i).path("cursor").asLong()).as("frame %d of %d: %s", i, frames.size(), frames.get(i))
				.isEqualTo(first + i);
		}
	}

}

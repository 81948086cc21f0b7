package io.pushwire.server.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.PublishResult;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes while their Redis restarts empty (no persistence): the channel's stream is
 * lost, and the subscribers that stay connected on both nodes are told live, without
 * reconnecting: {@code resume_required} naming the new epoch and cursor 1, then the new
 * epoch's frames from cursor 1, each once.
 */
class RedisRestartedEmptyIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static RedisTestServer redis;

	private static RedisNodes nodes;

	@BeforeAll
	static void startNodes() {
		redis = RedisTestServer.startDedicated();
		nodes = RedisNodes.start(redis, 2,
				RedisNodesIntegrationTests.properties("pushwire.server.redis.catch-up-interval=200ms"));
	}

	@AfterAll
	static void stopNodes() {
		if (nodes != null) {
			nodes.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	@Timeout(120)
	void subscribersOnEveryNodeAreToldOfTheNewEpochAndGetItsFramesFromCursorOne() {
		String channel = RedisNodesIntegrationTests.channel();
		List<TestWebSocketClient> subscribers = new ArrayList<>();
		try {
			for (int node = 0; node < nodes.size(); node++) {
				subscribers.add(RedisNodesIntegrationTests.subscriber(nodes.port(node), channel));
				subscribers.add(RedisNodesIntegrationTests.subscriber(nodes.port(node), channel));
			}
			String before = null;
			for (int n = 1; n <= 5; n++) {
				before = nodes.bean(0, PushServer.class).publish(channel, Map.of("n", n)).block(WAIT).epoch();
			}
			for (TestWebSocketClient subscriber : subscribers) {
				assertThat(subscriber.frames(5)).extracting((frame) -> frame.path("cursor").asLong())
					.containsExactly(1L, 2L, 3L, 4L, 5L);
			}

			redis.stop();
			redis.start();
			List<PublishResult> published = new ArrayList<>();
			for (int n = 1; n <= 3; n++) {
				int value = 100 + n;
				published.add(Mono.defer(() -> nodes.bean(1, PushServer.class).publish(channel, Map.of("n", value)))
					.retryWhen(Retry.fixedDelay(300, Duration.ofMillis(100))
						.filter((ex) -> ex instanceof ProtocolException protocol
								&& protocol.code() == ErrorCode.UNAVAILABLE))
					.block(WAIT));
			}
			String after = published.get(0).epoch();
			assertThat(after).isNotEqualTo(before);
			assertThat(published).extracting(PublishResult::cursor).containsExactly(1L, 2L, 3L);
			assertThat(published).extracting(PublishResult::epoch).containsOnly(after);

			for (TestWebSocketClient subscriber : subscribers) {
				JsonNode required = subscriber.expect("resume_required");
				assertThat(required.path("channel").asString()).isEqualTo(channel);
				assertThat(required.path("epoch").asString()).isEqualTo(after);
				assertThat(required.path("from_cursor").asLong()).isEqualTo(1);
				List<JsonNode> frames = subscriber.frames(3);
				assertThat(frames).extracting((frame) -> frame.path("cursor").asLong()).containsExactly(1L, 2L, 3L);
				assertThat(frames).extracting((frame) -> frame.path("payload").path("n").asInt())
					.containsExactly(101, 102, 103);
				subscriber.expectSilence(Duration.ofMillis(500));
				assertThat(subscriber.isClosed()).isFalse();
			}
		}
		finally {
			subscribers.forEach(TestWebSocketClient::close);
		}
	}

}

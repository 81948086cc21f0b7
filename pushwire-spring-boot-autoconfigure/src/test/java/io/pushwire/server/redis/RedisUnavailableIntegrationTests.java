package io.pushwire.server.redis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.PublishResult;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestWebSocketClient;
import io.pushwire.server.stream.StoreHealth;
import io.pushwire.server.support.PushServerStatistics;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes while their Redis crashes and comes back (with its append-only file, as a
 * Redis run with persistence): publishing answers {@code unavailable} within the command
 * timeout (2 s), on the API, to a client's frame and on the HTTP send route (503); the
 * health check reports the store unreachable; connections stay open; afterwards every
 * node subscribes again and no acknowledged frame is missing.
 */
class RedisUnavailableIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@TempDir
	static Path directory;

	private static RedisTestServer redis;

	private static RedisNodes nodes;

	@BeforeAll
	static void startNodes() {
		redis = RedisTestServer.startDedicatedPersistent(directory);
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
	@Timeout(180)
	void publishingAnswersUnavailableWhileRedisIsDownAndNothingAcknowledgedIsLostAfter() throws Exception {
		String channel = RedisNodesIntegrationTests.channel();
		PushServer publisher = nodes.bean(0, PushServer.class);
		List<Long> acknowledged = new ArrayList<>();
		try (TestWebSocketClient subscriber = TestWebSocketClient.connect(nodes.port(1))) {
			String clientId = subscriber.auth("token-alice", null, List.of()).path("client_id").asString();
			subscriber.send("{\"type\":\"subscribe\",\"channels\":[\"" + channel + "\"]}");
			subscriber.expect("subscribed");
			for (int n = 1; n <= 50; n++) {
				acknowledged.add(publisher.publish(channel, Map.of("n", n)).block(WAIT).cursor());
			}
			List<Long> received = new ArrayList<>();
			while (received.size() < acknowledged.size()) {
				JsonNode frame = subscriber.nextNonPing();
				if (!frame.has("type")) {
					received.add(frame.path("cursor").asLong());
				}
			}

			redis.stop();
			long started = System.nanoTime();
			StepVerifier.create(publisher.publish(channel, Map.of("n", "lost")))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(ProtocolException.class,
						(protocol) -> assertThat(protocol.code()).isEqualTo(ErrorCode.UNAVAILABLE)))
				.verify(WAIT);
			// The default command timeout (2 s), not Lettuce's 60 s.
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
			StoreHealth.Check health = nodes.bean(0, PushServerStatistics.class).checkStores().block(WAIT);
			assertThat(health.reachable()).isFalse();
			// A client's frame whose handler publishes: an error op, the connection
			// stays.
			subscriber.send("{\"channel\":\"" + channel + "\",\"payload\":{\"text\":\"hi\"}}");
			JsonNode error = nextOp(subscriber, "error");
			assertThat(error.path("code").asString()).isEqualTo("unavailable");
			// The same frame over HTTP: 503.
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest
					.newBuilder(URI.create("http://127.0.0.1:" + nodes.port(1) + "/rps/send?token=token-alice"))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"client_id\":\"" + clientId + "\",\"channel\":\""
							+ channel + "\",\"payload\":{\"text\":\"hi\"}}"))
					.timeout(WAIT)
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
			assertThat(response.body()).contains("unavailable");
			assertThat(subscriber.isClosed()).isFalse();

			redis.start();
			for (int n = 51; n <= 100; n++) {
				int value = n;
				PublishResult result = Mono.defer(() -> publisher.publish(channel, Map.of("n", value)))
					.retryWhen(Retry.fixedDelay(300, Duration.ofMillis(100))
						.filter((ex) -> ex instanceof ProtocolException protocol
								&& protocol.code() == ErrorCode.UNAVAILABLE))
					.block(WAIT);
				acknowledged.add(result.cursor());
			}
			assertThat(nodes.bean(1, PushServerStatistics.class).checkStores().block(WAIT).reachable()).isTrue();
			long last = acknowledged.get(acknowledged.size() - 1);
			while (received.get(received.size() - 1) < last) {
				JsonNode frame = subscriber.nextNonPing();
				if (!frame.has("type")) {
					received.add(frame.path("cursor").asLong());
				}
			}
			assertThat(received).isSorted().doesNotHaveDuplicates().containsAll(acknowledged);
		}
	}

	private static JsonNode nextOp(TestWebSocketClient client, String type) {
		while (true) {
			JsonNode message = client.nextNonPing();
			if (type.equals(message.path("type").asString(""))) {
				return message;
			}
		}
	}

}

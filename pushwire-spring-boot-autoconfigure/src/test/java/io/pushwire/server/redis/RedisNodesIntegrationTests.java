package io.pushwire.server.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PublishResult;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes on one Redis ({@code pushwire.server.store=redis}): a channel's cursors and
 * epoch are the channel's, not the node's, and every subscriber on every node gets every
 * frame once, in one order, whichever node published it.
 */
class RedisNodesIntegrationTests {

	/** The channel kinds and timings of the end-to-end tests. */
	static final String[] PROPERTIES = { "pushwire.server.channels.chat.priority=normal",
			"pushwire.server.channels.chat.history-size=8192", "pushwire.server.heartbeat=30s",
			"pushwire.server.heartbeat-grace=30s" };

	/**
	 * The nodes' common properties and some more.
	 * @param more the test's own properties
	 * @return all of them
	 */
	static String[] properties(String... more) {
		List<String> all = new ArrayList<>(List.of(PROPERTIES));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static RedisNodes nodes;

	@BeforeAll
	static void startNodes() {
		nodes = RedisNodes.start(RedisTestServer.shared(), 3, PROPERTIES);
	}

	@AfterAll
	static void stopNodes() {
		nodes.close();
	}

	static String channel() {
		return "chat:" + UUID.randomUUID().toString().substring(0, 8);
	}

	static TestWebSocketClient subscriber(int port, String channel) {
		TestWebSocketClient client = TestWebSocketClient.connect(port);
		client.auth("token-alice", null, List.of());
		client.send("{\"type\":\"subscribe\",\"channels\":[\"" + channel + "\"]}");
		client.expect("subscribed");
		return client;
	}

	@Test
	void everyNodeFansOutThroughShardedPubSubOnRedis7() {
		for (int node = 0; node < nodes.size(); node++) {
			StepVerifier.create(nodes.bean(node, RedisChannelStore.class).pubSub())
				.expectNext(RedisStoreSettings.PubSub.SHARDED)
				.expectComplete()
				.verify(WAIT);
		}
	}

	@Test
	@Timeout(120)
	void framePublishedOnOneNodeReachesSubscribersOnEveryNodeWithTheSameCursorsAndEpoch() {
		assertFramePublishedOnOneNodeReachesSubscribersOnEveryNode(nodes);
	}

	/**
	 * Publish 20 frames on node 1 and check that a subscriber on every node gets them
	 * with the cursors and epoch the publisher was given.
	 * @param nodes the nodes
	 */
	static void assertFramePublishedOnOneNodeReachesSubscribersOnEveryNode(RedisNodes nodes) {
		String channel = channel();
		List<TestWebSocketClient> clients = new ArrayList<>();
		List<String> epochs = new ArrayList<>();
		try {
			for (int node = 0; node < nodes.size(); node++) {
				TestWebSocketClient client = TestWebSocketClient.connect(nodes.port(node));
				clients.add(client);
				client.auth("token-alice", null, List.of());
				client.send("{\"type\":\"subscribe\",\"channels\":[\"" + channel + "\"]}");
				epochs.add(client.expect("subscribed").path("epochs").path(channel).asString());
			}
			assertThat(epochs).containsOnly(epochs.get(0));
			List<PublishResult> published = Flux.range(1, 20)
				.concatMap((n) -> nodes.bean(1, PushServer.class).publish(channel, Map.of("n", n)))
				.collectList()
				.block(WAIT);
			assertThat(published).extracting(PublishResult::cursor)
				.containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
			assertThat(published).extracting(PublishResult::epoch).containsOnly(epochs.get(0));
			for (TestWebSocketClient client : clients) {
				List<JsonNode> frames = client.frames(20);
				for (int i = 0; i < 20; i++) {
					assertThat(frames.get(i).path("cursor").asLong()).isEqualTo(i + 1);
					assertThat(frames.get(i).path("payload").path("n").asInt()).isEqualTo(i + 1);
				}
			}
		}
		finally {
			clients.forEach(TestWebSocketClient::close);
		}
	}

	@Test
	@Timeout(180)
	void alternatingPublishersOnTwoNodesGiveEverySubscriberOneToNOnceInOrder() {
		String channel = channel();
		int count = 2000;
		List<TestWebSocketClient> clients = new ArrayList<>();
		try {
			for (int node = 0; node < nodes.size(); node++) {
				clients.add(subscriber(nodes.port(node), channel));
			}
			// Both nodes publish at once, many publishes in flight each: the script
			// numbers them in the one order every node delivers.
			List<PublishResult> published = Flux.range(1, count)
				.flatMap((n) -> nodes.bean(n % 2, PushServer.class).publish(channel, Map.of("n", n)), 64)
				.collectList()
				.block(WAIT);
			assertThat(published).extracting(PublishResult::cursor)
				.containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
			for (TestWebSocketClient client : clients) {
				List<JsonNode> frames = client.frames(count);
				List<Integer> payloads = new ArrayList<>();
				for (int i = 0; i < count; i++) {
					assertThat(frames.get(i).path("cursor").asLong()).isEqualTo(i + 1);
					payloads.add(frames.get(i).path("payload").path("n").asInt());
				}
				assertThat(payloads).containsExactlyInAnyOrderElementsOf(
						LongStream.rangeClosed(1, count).mapToObj((n) -> (int) n).toList());
				client.expectSilence(Duration.ofMillis(300));
			}
		}
		finally {
			clients.forEach(TestWebSocketClient::close);
		}
	}

	@Test
	@Timeout(60)
	void subscriberOnAnotherNodeResumesFromTheWindowThatAnyNodeWrote() {
		String channel = channel();
		PushServer first = nodes.bean(0, PushServer.class);
		StepVerifier.create(Flux.range(1, 5).concatMap((n) -> first.publish(channel, Map.of("n", n))).then())
			.expectComplete()
			.verify(WAIT);
		String epoch = first.publish(channel, Map.of("n", 6)).block(WAIT).epoch();
		try (TestWebSocketClient client = TestWebSocketClient.connect(nodes.port(2))) {
			client.auth("token-alice", null, List.of());
			client.send("{\"type\":\"subscribe\",\"channels\":[\"" + channel + "\"],\"cursors\":{\"" + channel
					+ "\":2},\"epochs\":{\"" + channel + "\":\"" + epoch + "\"}}");
			client.expect("subscribed");
			List<JsonNode> frames = client.frames(4);
			assertThat(frames).extracting((frame) -> frame.path("cursor").asLong()).containsExactly(3L, 4L, 5L, 6L);
		}
	}

}

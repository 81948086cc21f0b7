package io.pushwire.server.redis;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;

/**
 * Nodes with {@code pushwire.server.redis.pub-sub=classic} fan out through classic
 * pub/sub on a Redis that runs sharded pub/sub too, as nodes on a server before Redis 7
 * (or without Lettuce) do: a frame published on one node reaches every node's subscribers
 * with the same cursors and epoch.
 */
class RedisNodesClassicPubSubIntegrationTests {

	private static RedisNodes nodes;

	@BeforeAll
	static void startNodes() {
		nodes = RedisNodes.start(RedisTestServer.shared(), 2,
				RedisNodesIntegrationTests.properties("pushwire.server.redis.pub-sub=classic"));
	}

	@AfterAll
	static void stopNodes() {
		nodes.close();
	}

	@Test
	@Timeout(120)
	void framePublishedOnOneNodeReachesSubscribersOnEveryNodeThroughClassicPubSub() {
		for (int node = 0; node < nodes.size(); node++) {
			StepVerifier.create(nodes.bean(node, RedisChannelStore.class).pubSub())
				.expectNext(RedisStoreSettings.PubSub.CLASSIC)
				.expectComplete()
				.verify(Duration.ofSeconds(10));
		}
		RedisNodesIntegrationTests.assertFramePublishedOnOneNodeReachesSubscribersOnEveryNode(nodes);
	}

}

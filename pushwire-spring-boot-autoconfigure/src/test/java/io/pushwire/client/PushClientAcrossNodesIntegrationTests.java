package io.pushwire.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushServer;
import io.pushwire.server.redis.RedisNodes;
import io.pushwire.server.redis.RedisTestServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PushClient} against two nodes on one Redis: a client that reconnects to another
 * node, or to a node that restarted meanwhile, resumes from its cursors without loss,
 * without a frame twice and without {@code resume_required}, because cursors and epochs
 * are the channel's (PROTOCOL.md §13).
 */
class PushClientAcrossNodesIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(90);

	private static final int CHANNELS = 4;

	private static RedisNodes nodes;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeAll
	static void startNodes() {
		nodes = RedisNodes.start(RedisTestServer.shared(), 2, "pushwire.server.channels.chat.priority=normal",
				"pushwire.server.channels.chat.history-size=8192", "pushwire.server.heartbeat=30s",
				"pushwire.server.heartbeat-grace=30s");
	}

	@AfterAll
	static void stopNodes() {
		nodes.close();
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	@Timeout(240)
	void clientMovedBetweenNodesEveryFewHundredFramesLosesNothingAndNeverResumesFromScratch() {
		CuttingProxy proxy = new CuttingProxy(new int[] { nodes.port(0), nodes.port(1) }, 16 * 1024, 40 * 1024, 42);
		this.closeables.add(0, proxy);
		int frames = 10_000;
		List<String> channels = channels();
		PushClient client = client(proxy.port(), channels, frames);
		List<PushClientEvent> problems = problems(client);
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(frames).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		// Published on both nodes in turn.
		Flux.range(0, frames)
			.concatMap((i) -> nodes.bean(i % 2, PushServer.class)
				.publish(channels.get(i % CHANNELS), Map.of("n", i / CHANNELS)), 1)
			.subscribe();
		StepVerifier.create(received)
			.assertNext((list) -> assertEveryFrameOnceInOrder(list, channels, frames))
			.expectComplete()
			.verify(WAIT);
		assertThat(problems).isEmpty();
		assertThat(proxy.cuts()).as("connections cut by the proxy").isGreaterThanOrEqualTo(20);
		assertThat(proxy.connections()).as("connections, every other one to the other node").isGreaterThanOrEqualTo(20);
	}

	@Test
	@Timeout(240)
	void nodeRestartedWhileItsClientsResumeLosesNothing() throws Exception {
		CuttingProxy proxy = new CuttingProxy(nodes.port(1), 0, 0, 7);
		this.closeables.add(0, proxy);
		int frames = 3000;
		List<String> channels = channels();
		PushClient client = client(proxy.port(), channels, frames);
		List<PushClientEvent> problems = problems(client);
		CountDownLatch third = new CountDownLatch(frames / 3);
		Mono<List<PushFrame<JsonNode>>> received = client.frames()
			.doOnNext((frame) -> third.countDown())
			.take(frames)
			.collectList()
			.cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		// Published on the node that stays up, while the other restarts.
		Disposable publishing = Flux.range(0, frames)
			.concatMap((i) -> nodes.bean(0, PushServer.class)
				.publish(channels.get(i % CHANNELS), Map.of("n", i / CHANNELS)), 1)
			.subscribe();
		this.closeables.add(publishing::dispose);
		assertThat(third.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		nodes.stop(1);
		nodes.start(1);
		StepVerifier.create(received)
			.assertNext((list) -> assertEveryFrameOnceInOrder(list, channels, frames))
			.expectComplete()
			.verify(WAIT);
		assertThat(problems).isEmpty();
		assertThat(client.state().reconnectCount()).isGreaterThanOrEqualTo(1);
	}

	private PushClient client(int port, List<String> channels, int frames) {
		PushClient client = PushClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/rps")
			.token("token-alice")
			.channels(channels)
			.transport(TransportPreference.WS_ONLY)
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(20), 0))
			.frameBuffer(frames, FrameOverflow.ERROR)
			.build();
		this.closeables.add(() -> client.disconnect().block(Duration.ofSeconds(10)));
		return client;
	}

	private static List<PushClientEvent> problems(PushClient client) {
		List<PushClientEvent> problems = new CopyOnWriteArrayList<>();
		client.events()
			.filter((event) -> event instanceof PushClientEvent.Gap || event instanceof PushClientEvent.ResumeRequired)
			.subscribe(problems::add);
		return problems;
	}

	private static List<String> channels() {
		String run = PushClientIntegrationTests.channel("chat");
		List<String> channels = new ArrayList<>();
		for (int i = 0; i < CHANNELS; i++) {
			channels.add(run + "-" + i);
		}
		return channels;
	}

	private static void assertEveryFrameOnceInOrder(List<PushFrame<JsonNode>> frames, List<String> channels,
			int count) {
		Map<String, List<Long>> cursors = new LinkedHashMap<>();
		for (PushFrame<JsonNode> frame : frames) {
			cursors.computeIfAbsent(frame.channel(), (key) -> new ArrayList<>()).add(frame.cursor());
			assertThat(frame.payload().path("n").asLong()).isEqualTo(frame.cursor() - 1);
		}
		assertThat(cursors).containsOnlyKeys(channels);
		cursors.values()
			.forEach(
					(list) -> assertThat(list).isEqualTo(LongStream.rangeClosed(1, count / CHANNELS).boxed().toList()));
	}

}

package io.pushwire.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushIntegrationTest;
import io.pushwire.server.PushServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reconnect and resume of {@link PushClient} against this project's server, through a
 * proxy that keeps cutting the connection: nothing lost, nothing twice.
 */
@PushIntegrationTest
class PushClientResumeIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final int CHANNELS = 4;

	private static final int FRAMES = 20_000;

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	private PushClient client(PushClient.Builder builder) {
		PushClient client = builder.build();
		this.closeables.add(() -> client.disconnect().block(Duration.ofSeconds(10)));
		return client;
	}

	private PushClient.Builder builder(int port, List<String> channels) {
		return PushClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/rps")
			.token("token-alice")
			.sseQueryToken(true)
			.channels(channels)
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(10), 0))
			.frameBuffer(FRAMES, FrameOverflow.ERROR);
	}

	private CuttingProxy proxy(long minBytes, long maxBytes) {
		CuttingProxy proxy = new CuttingProxy(this.port, minBytes, maxBytes, 42);
		this.closeables.add(0, proxy);
		return proxy;
	}

	private static List<String> channels(String kind, int count) {
		String run = PushClientIntegrationTests.channel(kind);
		List<String> channels = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			channels.add(run + "-" + i);
		}
		return channels;
	}

	@Test
	void resumesWithoutLossOrDuplicatesOverWebSocketWhileTheConnectionIsCutEveryFewHundredFrames() {
		assertZeroLoss(TransportPreference.WS_ONLY, "websocket");
	}

	@Test
	void resumesWithoutLossOrDuplicatesOverSseWhileTheConnectionIsCutEveryFewHundredFrames() {
		assertZeroLoss(TransportPreference.SSE_ONLY, "sse");
	}

	private void assertZeroLoss(TransportPreference transport, String transportName) {
		CuttingProxy proxy = proxy(16 * 1024, 40 * 1024);
		List<String> channels = channels("chat", CHANNELS);
		PushClient client = client(builder(proxy.port(), channels).transport(transport));
		List<PushClientEvent> problems = new CopyOnWriteArrayList<>();
		client.events()
			.filter((event) -> event instanceof PushClientEvent.Gap || event instanceof PushClientEvent.ResumeRequired)
			.subscribe(problems::add);
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(FRAMES).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		assertThat(client.state().transport()).isEqualTo(transportName);
		Flux.range(0, FRAMES)
			.concatMap((i) -> this.pushServer.publish(channels.get(i % CHANNELS), Map.of("n", i / CHANNELS)), 1)
			.subscribe();
		StepVerifier.create(received).assertNext((frames) -> {
			Map<String, List<Long>> cursors = new LinkedHashMap<>();
			for (PushFrame<JsonNode> frame : frames) {
				cursors.computeIfAbsent(frame.channel(), (key) -> new ArrayList<>()).add(frame.cursor());
				assertThat(frame.payload().path("n").asLong()).isEqualTo(frame.cursor() - 1);
			}
			assertThat(cursors).containsOnlyKeys(channels);
			cursors.values()
				.forEach((list) -> assertThat(list).hasSize(FRAMES / CHANNELS)
					.isEqualTo(java.util.stream.LongStream.rangeClosed(1, FRAMES / CHANNELS).boxed().toList()));
		}).expectComplete().verify(WAIT);
		assertThat(problems).isEmpty();
		assertThat(proxy.cuts()).as("connections cut by the proxy").isGreaterThanOrEqualTo(20);
		assertThat(client.state().reconnectCount()).isGreaterThanOrEqualTo(20);
	}

	@Test
	void fallsBackToSseWhenTheWebSocketUpgradeIsRefused() {
		CuttingProxy proxy = proxy(0, 0);
		proxy.refuseUpgrades(true);
		List<String> channels = channels("chat", 1);
		PushClient client = client(builder(proxy.port(), channels).transport(TransportPreference.WS_FIRST));
		List<PushClientEvent> events = new CopyOnWriteArrayList<>();
		client.events().subscribe(events::add);
		Mono<PushFrame<JsonNode>> first = client.frames().next().cache();
		first.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		assertThat(client.state().transport()).isEqualTo("sse");
		assertThat(events).filteredOn(PushClientEvent.Connecting.class::isInstance)
			.extracting((event) -> ((PushClientEvent.Connecting) event).transport())
			.containsExactly("websocket", "sse");
		this.pushServer.publish(channels.get(0), "over sse").block(WAIT);
		StepVerifier.create(first)
			.assertNext((frame) -> assertThat(frame.payload().asString()).isEqualTo("over sse"))
			.expectComplete()
			.verify(WAIT);
		StepVerifier.create(client.send(channels.get(0), Map.of("text", "up over http"))).expectComplete().verify(WAIT);
	}

	@Test
	void queuedSendsAreFlushedInOrderAfterAReconnect() {
		CuttingProxy proxy = proxy(0, 0);
		List<String> channels = channels("chat", 1);
		PushClient client = client(builder(proxy.port(), channels).transport(TransportPreference.WS_ONLY)
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(300), 0)));
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		Mono<List<PushFrame<JsonNode>>> replies = client.frames().take(30).collectList().cache();
		replies.subscribe();
		Mono<PushClientEvent> disconnected = client.events()
			.filter(PushClientEvent.Disconnected.class::isInstance)
			.next()
			.cache();
		disconnected.subscribe();
		proxy.cutAll();
		StepVerifier.create(disconnected).expectNextCount(1).expectComplete().verify(WAIT);
		assertThat(client.state().status()).isEqualTo(PushClientStatus.RESUMING);
		List<Mono<Void>> sends = new ArrayList<>();
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			expected.add("q" + i);
			Mono<Void> send = client.send(channels.get(0), Map.of("text", "q" + i)).cache();
			send.subscribe(null, (ex) -> {
			});
			sends.add(send);
		}
		StepVerifier.create(Mono.when(sends)).expectComplete().verify(WAIT);
		assertThat(client.state().reconnectCount()).isEqualTo(1);
		StepVerifier.create(replies)
			.assertNext((frames) -> assertThat(frames).extracting((frame) -> frame.payload().path("text").asString())
				.containsExactlyElementsOf(expected))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void aRestartedClientResumesFromItsFileCursorStore(@TempDir Path directory) {
		List<String> channels = channels("chat", 2);
		Path file = directory.resolve("cursors.txt");
		PushClient first = builder(this.port, channels).cursorStore(new FileCursorStore(file), Duration.ofMillis(50))
			.build();
		Mono<List<PushFrame<JsonNode>>> before = first.frames().take(10).collectList().cache();
		before.subscribe();
		StepVerifier.create(first.connect()).expectComplete().verify(WAIT);
		Flux.range(0, 10).concatMap((i) -> this.pushServer.publish(channels.get(i % 2), i)).blockLast(WAIT);
		StepVerifier.create(before).expectNextCount(1).expectComplete().verify(WAIT);
		String clientId = first.state().clientId();
		StepVerifier.create(first.disconnect()).expectComplete().verify(WAIT);
		Flux.range(10, 10).concatMap((i) -> this.pushServer.publish(channels.get(i % 2), i)).blockLast(WAIT);

		PushClient second = client(
				builder(this.port, channels).cursorStore(new FileCursorStore(file), Duration.ofMillis(50)));
		Mono<List<PushFrame<JsonNode>>> after = second.frames().take(10).collectList().cache();
		after.subscribe();
		StepVerifier.create(second.connect()).expectComplete().verify(WAIT);
		assertThat(second.state().clientId()).isEqualTo(clientId);
		StepVerifier.create(after).assertNext((frames) -> {
			assertThat(frames).extracting((frame) -> frame.payload().asInt())
				.containsExactlyInAnyOrder(10, 11, 12, 13, 14, 15, 16, 17, 18, 19);
			assertThat(frames).extracting(PushFrame::cursor).allMatch((cursor) -> cursor > 5);
		}).expectComplete().verify(WAIT);
	}

}

package io.pushwire.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link PushClient} with {@code format} {@code msgpack} and {@code cbor} against this
 * project's server (PROTOCOL.md §8.1, §8.2): frames, sends and acks in binary, zstd and
 * fragments both ways, resume after cuts, and the SSE fallback in JSON. The server
 * fragments above 2 KB, as does the client in the fragment test.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal",
				"pushwire.server.channels.chat.history-size=8192", "pushwire.server.channels.chat.wire-id=10",
				"pushwire.server.channels.ticker.priority=low", "pushwire.server.channels.ticker.wire-id=11",
				"pushwire.server.heartbeat=1s", "pushwire.server.heartbeat-grace=1s",
				"pushwire.server.max-message-size=64KB", "pushwire.server.fragment-size=2KB" })
class PushClientBinaryIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

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

	private PushClient.Builder builder(int port, String format) {
		return PushClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/rps")
			.token("token-alice")
			.sseQueryToken(true)
			.format(format)
			.transport(TransportPreference.WS_ONLY)
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(10), 0));
	}

	private static String channel(String kind) {
		return kind + ":" + UUID.randomUUID().toString().substring(0, 8);
	}

	private static WebSocketTransport webSocket(PushClient client) {
		return (WebSocketTransport) client.transports.get(0);
	}

	private static List<PushClientEvent> errors(PushClient client) {
		List<PushClientEvent> errors = new CopyOnWriteArrayList<>();
		client.events()
			.filter((event) -> event instanceof PushClientEvent.Error || event instanceof PushClientEvent.Gap)
			.subscribe(errors::add);
		return errors;
	}

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void receivesFramesWithLargeIntegersAndSendsFramesInBinary(String format) {
		String channel = channel("chat");
		PushClient client = client(builder(this.port, format).channels(channel));
		List<PushClientEvent> errors = errors(client);
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(4).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		for (int i = 1; i <= 3; i++) {
			this.pushServer.publish(channel, Map.of("n", i, "big", (1L << 32) + i, "pi", 3.25)).block(WAIT);
		}
		// The chat handler broadcasts {from, text}: the server read the client's binary
		// frame.
		StepVerifier.create(client.send(channel, Map.of("text", "héllo"))).expectComplete().verify(WAIT);
		StepVerifier.create(received).assertNext((frames) -> {
			assertThat(frames).extracting(PushFrame::cursor).containsExactly(1L, 2L, 3L, 4L);
			assertThat(frames.subList(0, 3)).extracting((frame) -> frame.payload().path("big").asLong())
				.containsExactly((1L << 32) + 1, (1L << 32) + 2, (1L << 32) + 3);
			assertThat(frames.get(0).payload().path("pi").asDouble()).isEqualTo(3.25);
			assertThat(frames.get(3).payload().path("text").asString()).isEqualTo("héllo");
			assertThat(frames.get(3).payload().path("from").asString()).isEqualTo("alice");
			assertThat(frames).allSatisfy((frame) -> assertThat(frame.channel()).isEqualTo(channel));
		}).expectComplete().verify(WAIT);
		assertThat(client.state().transport()).isEqualTo("websocket");
		assertThat(errors).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void acknowledgementsInBinaryAreWhereTheNextConnectionResumes(String format) {
		String channel = channel("chat");
		String clientId = UUID.randomUUID().toString();
		PushClient first = client(builder(this.port, format).channels(channel)
			.clientId(clientId)
			.ack(AckMode.MANUAL, Duration.ofSeconds(1)));
		Mono<List<PushFrame<JsonNode>>> received = first.frames().take(5).collectList().cache();
		received.subscribe();
		StepVerifier.create(first.connect()).expectComplete().verify(WAIT);
		for (int i = 1; i <= 5; i++) {
			this.pushServer.publish(channel, Map.of("n", i)).block(WAIT);
		}
		List<PushFrame<JsonNode>> frames = received.block(WAIT);
		StepVerifier.create(frames.get(2).ack()).expectComplete().verify(WAIT);
		StepVerifier.create(first.disconnect()).expectComplete().verify(WAIT);
		// A new client with the same id and no cursors of its own: the server resumes it
		// from the acknowledged cursor 3, so the ack was read.
		PushClient second = client(builder(this.port, format).channels(channel).clientId(clientId));
		Mono<PushFrame<JsonNode>> next = second.frames().next().cache();
		next.subscribe();
		StepVerifier.create(second.connect()).expectComplete().verify(WAIT);
		StepVerifier.create(next)
			.assertNext((frame) -> assertThat(frame.cursor()).isEqualTo(4L))
			.expectComplete()
			.verify(WAIT);
	}

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void largePayloadsTravelCompressedBothWays(String format) {
		String channel = channel("chat");
		String text = "a fairly repetitive chat message ".repeat(120);
		PushClient client = client(builder(this.port, format).channels(channel));
		List<PushClientEvent> errors = errors(client);
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(2).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		this.pushServer.publish(channel, Map.of("text", text)).block(WAIT);
		StepVerifier.create(client.send(channel, Map.of("text", text))).expectComplete().verify(WAIT);
		StepVerifier.create(received)
			.assertNext((frames) -> assertThat(frames).extracting((frame) -> frame.payload().path("text").asString())
				.containsExactly(text, text))
			.expectComplete()
			.verify(WAIT);
		// About 4 KB of text compresses far below the 2 KB fragment size: zstd, not
		// fragments, carried it.
		assertThat(webSocket(client).fragmentsSent()).isZero();
		assertThat(webSocket(client).fragmentsReceived()).isZero();
		assertThat(errors).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void messagesLargerThanTheFragmentSizeAreFragmentedBothWays(String format) {
		String channel = channel("chat");
		byte[] random = new byte[15_000];
		new Random(7).nextBytes(random);
		// Random base64 does not compress below the fragment size.
		String text = Base64.getEncoder().encodeToString(random);
		PushClient client = client(builder(this.port, format).channels(channel).fragmentSize(2048));
		List<PushClientEvent> errors = errors(client);
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(2).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		this.pushServer.publish(channel, Map.of("text", text)).block(WAIT);
		StepVerifier.create(client.send(channel, Map.of("text", text))).expectComplete().verify(WAIT);
		StepVerifier.create(received).assertNext((frames) -> {
			assertThat(frames).extracting((frame) -> frame.payload().path("text").asString())
				.containsExactly(text, text);
			assertThat(frames.get(1).payload().path("from").asString()).isEqualTo("alice");
		}).expectComplete().verify(WAIT);
		assertThat(webSocket(client).fragmentsSent()).isGreaterThanOrEqualTo(3);
		assertThat(webSocket(client).fragmentsReceived()).isGreaterThanOrEqualTo(10);
		assertThat(errors).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void resumesWithoutLossOrDuplicatesWhileTheConnectionIsCut(String format) {
		int channels = 2;
		int total = 4000;
		CuttingProxy proxy = new CuttingProxy(this.port, 0, 0, 42);
		this.closeables.add(0, proxy);
		String run = channel("chat");
		List<String> names = List.of(run + "-0", run + "-1");
		PushClient client = client(
				builder(proxy.port(), format).channels(names).frameBuffer(total, FrameOverflow.ERROR));
		List<PushClientEvent> errors = errors(client);
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(total).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		AtomicInteger count = new AtomicInteger();
		client.frames().subscribe((frame) -> count.incrementAndGet());
		// Ten phases of 400 frames: each cut lands halfway through a phase, while the
		// server is still publishing it, and the next phase starts once the client is
		// back, so that every cut finds a live connection.
		int phase = total / 10;
		for (int k = 0; k < 10; k++) {
			int first = k * phase;
			Mono<Void> published = Flux.range(first, phase)
				.concatMap((i) -> this.pushServer.publish(names.get(i % channels), Map.of("n", i / channels)), 1)
				.then()
				.cache();
			published.subscribe();
			await().atMost(WAIT).until(() -> count.get() >= first + phase / 2);
			proxy.cutAll();
			int reconnects = k + 1;
			StepVerifier.create(published).expectComplete().verify(WAIT);
			await().atMost(WAIT).until(() -> count.get() >= first + phase);
			await().atMost(WAIT)
				.until(() -> client.state().reconnectCount() >= reconnects
						&& client.state().status() == PushClientStatus.CONNECTED);
		}
		StepVerifier.create(received).assertNext((frames) -> {
			Map<String, List<Long>> cursors = new LinkedHashMap<>();
			for (PushFrame<JsonNode> frame : frames) {
				cursors.computeIfAbsent(frame.channel(), (key) -> new ArrayList<>()).add(frame.cursor());
				assertThat(frame.payload().path("n").asLong()).isEqualTo(frame.cursor() - 1);
			}
			assertThat(cursors).containsOnlyKeys(names);
			cursors.values()
				.forEach((list) -> assertThat(list)
					.isEqualTo(LongStream.rangeClosed(1, total / channels).boxed().toList()));
		}).expectComplete().verify(Duration.ofSeconds(60));
		assertThat(errors).isEmpty();
		assertThat(proxy.cuts()).as("connections cut by the proxy").isGreaterThanOrEqualTo(10);
		assertThat(client.state().reconnectCount()).isGreaterThanOrEqualTo(10);
	}

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void fallsBackToSseInJsonWhenTheWebSocketIsRefused(String format) {
		CuttingProxy proxy = new CuttingProxy(this.port, 0, 0, 42);
		this.closeables.add(0, proxy);
		proxy.refuseUpgrades(true);
		String channel = channel("chat");
		PushClient client = client(
				builder(proxy.port(), format).channels(channel).transport(TransportPreference.WS_FIRST));
		List<PushClientEvent> errors = errors(client);
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(2).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		assertThat(client.state().transport()).isEqualTo("sse");
		this.pushServer.publish(channel, Map.of("big", (1L << 32) + 1)).block(WAIT);
		StepVerifier.create(client.send(channel, Map.of("text", "over http"))).expectComplete().verify(WAIT);
		StepVerifier.create(received).assertNext((frames) -> {
			assertThat(frames.get(0).payload().path("big").asLong()).isEqualTo((1L << 32) + 1);
			assertThat(frames.get(1).payload().path("text").asString()).isEqualTo("over http");
		}).expectComplete().verify(WAIT);
		assertThat(errors).isEmpty();
	}

}

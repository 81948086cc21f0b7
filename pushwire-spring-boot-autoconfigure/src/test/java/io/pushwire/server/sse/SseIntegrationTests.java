package io.pushwire.server.sse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ResumeToken;
import io.pushwire.server.PushIntegrationTest;
import io.pushwire.server.PushServer;
import io.pushwire.server.TestSseClient;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-Sent Events and the HTTP ack/send endpoints end to end (PROTOCOL.md §11).
 */
@PushIntegrationTest
class SseIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	private String channel(String prefix) {
		return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void streamStartsWithRetryAndAuthOkWhoseIdIsTheResumeToken() throws Exception {
		String channel = channel("chat:sse");
		this.pushServer.publish(channel, "one").block(WAIT);
		try (TestSseClient client = TestSseClient.connect(this.port, "token=token-alice&channels=" + channel)) {
			ServerSentEvent<String> retry = client.nextRaw(WAIT);
			assertThat(retry.retry()).isEqualTo(Duration.ofSeconds(2));
			ServerSentEvent<String> first = client.next();
			assertThat(first.event()).isEqualTo("system");
			JsonNode ok = TestSseClient.json(first);
			assertThat(ok.path("type").asString()).isEqualTo("auth_ok");
			String epoch = ok.path("epochs").path(channel).asString();
			assertThat(first.id()).isEqualTo(channel + "=1@" + epoch);
			this.pushServer.publish(channel, "two").block(WAIT);
			ServerSentEvent<String> frame = client.frames(1).get(0);
			assertThat(frame.id()).isEqualTo(channel + "=2@" + epoch);
			assertThat(TestSseClient.json(frame).path("payload").asString()).isEqualTo("two");
		}
	}

	@Test
	void unauthenticatedStreamIsRefusedWith401() {
		assertThat(status("/rps/sse?channels=chat:x")).isEqualTo(401);
		assertThat(status("/rps/sse?token=wrong&channels=chat:x")).isEqualTo(401);
		assertThat(status("/rps/sse?token=token-alice&client_id=NOT-A-UUID")).isEqualTo(400);
		assertThat(status("/rps/sse?token=token-alice&cursors=chat:x=abc")).isEqualTo(400);
	}

	@Test
	void resumesWithLastEventIdAcrossADroppedStreamWithoutLossOrDuplicates() {
		String channel = channel("chat:sse-resume");
		AtomicLong head = new AtomicLong();
		Disposable publisher = Flux.interval(Duration.ofMillis(2))
			.onBackpressureDrop()
			.concatMap((i) -> this.pushServer.publish(channel, Map.of("n", i)), 1)
			.subscribe((result) -> head.set(result.cursor()));
		try {
			String lastId;
			long last;
			try (TestSseClient first = TestSseClient.connect(this.port, "token=token-alice&channels=" + channel)) {
				first.expectSystem("auth_ok");
				List<ServerSentEvent<String>> frames = first.frames(50);
				lastId = frames.get(49).id();
				last = TestSseClient.json(frames.get(49)).path("cursor").asLong();
				assertConsecutive(frames, TestSseClient.json(frames.get(0)).path("cursor").asLong());
			}
			long target = last + 500;
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (head.get() < target && System.nanoTime() < deadline) {
				Thread.onSpinWait();
			}
			assertThat(head.get()).isGreaterThanOrEqualTo(target);
			assertThat(ResumeToken.parse(lastId).positions().get(channel).cursor()).isEqualTo(last);
			try (TestSseClient second = TestSseClient.connect(this.port, "token=token-alice&channels=" + channel,
					lastId)) {
				JsonNode ok = second.expectSystem("auth_ok");
				assertThat(ok.path("resume_cursors").path(channel).asLong()).isEqualTo(last);
				List<ServerSentEvent<String>> replayed = second.frames(600);
				assertConsecutive(replayed, last + 1);
				publisher.dispose();
				long end = this.pushServer.publish(channel, "end").block(WAIT).cursor();
				long received = TestSseClient.json(replayed.get(599)).path("cursor").asLong();
				List<ServerSentEvent<String>> rest = second.frames((int) (end - received));
				assertConsecutive(rest, received + 1);
			}
		}
		finally {
			publisher.dispose();
		}
	}

	@Test
	void lastEventIdWinsOverCursors() {
		String channel = channel("chat:sse-lei");
		String epoch = null;
		for (int i = 1; i <= 6; i++) {
			epoch = this.pushServer.publish(channel, i).block(WAIT).epoch();
		}
		try (TestSseClient client = TestSseClient.connect(this.port,
				"token=token-alice&channels=" + channel + "&cursors=" + channel + "=1@" + epoch,
				channel + "=4@" + epoch)) {
			client.expectSystem("auth_ok");
			assertConsecutive(client.frames(2), 5);
		}
	}

	@Test
	void staleEpochInLastEventIdGetsResumeRequired() {
		String channel = channel("chat:sse-epoch");
		this.pushServer.publish(channel, 1).block(WAIT);
		try (TestSseClient client = TestSseClient.connect(this.port, "token=token-alice&channels=" + channel,
				channel + "=7@gone")) {
			client.expectSystem("auth_ok");
			assertThat(client.expectSystem("resume_required").path("from_cursor").asLong()).isEqualTo(1);
			assertConsecutive(client.frames(1), 1);
		}
	}

	@Test
	void ackAndSendAnswerWithTheProtocolsStatusCodes() {
		String channel = channel("chat:sse-http");
		String clientId = UUID.randomUUID().toString();
		try (TestSseClient client = TestSseClient.connect(this.port,
				"token=token-alice&client_id=" + clientId + "&channels=" + channel)) {
			client.expectSystem("auth_ok");
			this.pushServer.publish(channel, "x").block(WAIT);
			client.frames(1);
			assertThat(post("/rps/ack?token=token-alice", ack(clientId, channel, 1))).isEqualTo(204);
			assertThat(post("/rps/ack?token=token-alice", ack(clientId, channel, 2))).isEqualTo(400);
			assertThat(post("/rps/ack?token=token-alice", ack(clientId, "chat:other", 1))).isEqualTo(400);
			assertThat(post("/rps/ack", ack(clientId, channel, 1))).isEqualTo(401);
			assertThat(post("/rps/ack?token=token-bob", ack(clientId, channel, 1))).isEqualTo(403);
			assertThat(post("/rps/ack?token=token-alice", ack(UUID.randomUUID().toString(), channel, 1)))
				.isEqualTo(404);
			assertThat(post("/rps/ack?token=token-alice", "not json")).isEqualTo(400);
			assertThat(post("/rps/ack?token=token-alice",
					"{\"client_id\":\"" + clientId + "\",\"channel\":\"" + channel + "\",\"cursor\":\"1\"}"))
				.isEqualTo(400);
			assertThat(post("/rps/send?token=token-alice", send(clientId, channel, "hello"))).isEqualTo(202);
			JsonNode echoed = TestSseClient.json(client.frames(1).get(0));
			assertThat(echoed.path("payload").path("from").asString()).isEqualTo("alice");
			assertThat(echoed.path("client_id").asString()).isEqualTo(clientId);
			assertThat(post("/rps/send?token=token-bob", send(clientId, channel, "hijack"))).isEqualTo(403);
			assertThat(post("/rps/send?token=token-alice", send(clientId, "alerts:x", "no"))).isEqualTo(403);
			assertThat(post("/rps/send?token=token-alice", send(clientId, "ticker:x", "no"))).isEqualTo(400);
			assertThat(post("/rps/send?token=token-alice", send(clientId, "nope:x", "no"))).isEqualTo(400);
			assertThat(post("/rps/send?token=token-alice", send(clientId, channel, "x".repeat(5000)))).isEqualTo(413);
		}
	}

	@Test
	void clientIdMovesFromSseToWebSocketAndResumesFromItsAck() {
		String channel = channel("chat:switch");
		String clientId = UUID.randomUUID().toString();
		try (TestSseClient sse = TestSseClient.connect(this.port,
				"token=token-alice&client_id=" + clientId + "&channels=" + channel)) {
			sse.expectSystem("auth_ok");
			for (int i = 1; i <= 5; i++) {
				this.pushServer.publish(channel, i).block(WAIT);
			}
			sse.frames(5);
			assertThat(post("/rps/ack?token=token-alice", ack(clientId, channel, 3))).isEqualTo(204);
		}
		try (TestWebSocketClient ws = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = ws.auth("token-alice", clientId, List.of(channel));
			assertThat(ok.path("resume_cursors").path(channel).asLong()).isEqualTo(3);
			assertThat(ws.frames(2)).extracting((frame) -> frame.path("cursor").asLong()).containsExactly(4L, 5L);
		}
	}

	@Test
	void webSocketTakingTheClientIdEndsTheSseStreamWithGoodbye() {
		String clientId = UUID.randomUUID().toString();
		try (TestSseClient sse = TestSseClient.connect(this.port, "token=token-alice&client_id=" + clientId);
				TestWebSocketClient ws = TestWebSocketClient.connect(this.port)) {
			sse.expectSystem("auth_ok");
			ws.auth("token-alice", clientId, List.of());
			assertThat(sse.expectSystem("goodbye").path("reason").asString()).isEqualTo("replaced");
		}
	}

	@Test
	void streamThatStopsBeingReadEndsWithGoodbyeSlowConsumer() {
		String channel = channel("chat:sse-slow");
		java.util.concurrent.BlockingQueue<ServerSentEvent<String>> events = new java.util.concurrent.LinkedBlockingQueue<>();
		java.util.concurrent.atomic.AtomicReference<org.reactivestreams.Subscription> upstream = new java.util.concurrent.atomic.AtomicReference<>();
		java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
		WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
					reactor.netty.http.client.HttpClient.create()
						.option(io.netty.channel.ChannelOption.SO_RCVBUF, 64 * 1024)))
			.build()
			.get()
			.uri("/rps/sse?token=token-alice&channels=" + channel)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.retrieve()
			.bodyToFlux(new org.springframework.core.ParameterizedTypeReference<ServerSentEvent<String>>() {
			})
			.subscribe(new reactor.core.publisher.BaseSubscriber<ServerSentEvent<String>>() {
				@Override
				protected void hookOnSubscribe(org.reactivestreams.Subscription subscription) {
					upstream.set(subscription);
					subscription.request(3);
				}

				@Override
				protected void hookOnNext(ServerSentEvent<String> event) {
					events.add(event);
				}

				@Override
				protected void hookFinally(reactor.core.publisher.SignalType type) {
					done.countDown();
				}
			});
		String payload = "x".repeat(4000);
		Flux.range(0, 2500).concatMap((i) -> this.pushServer.publish(channel, payload)).blockLast(WAIT);
		upstream.get().request(Long.MAX_VALUE);
		try {
			assertThat(done.await(20, java.util.concurrent.TimeUnit.SECONDS)).as("stream ended").isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		List<ServerSentEvent<String>> all = new java.util.ArrayList<>(events);
		ServerSentEvent<String> last = all.get(all.size() - 1);
		assertThat(last.event()).isEqualTo("system");
		JsonNode goodbye = TestSseClient.json(last);
		assertThat(goodbye.path("type").asString()).isEqualTo("goodbye");
		assertThat(goodbye.path("reason").asString()).isEqualTo("slow_consumer");
		long frames = all.stream().filter((event) -> event.event() == null && event.data() != null).count();
		assertThat(frames).isLessThan(2500);
	}

	private int status(String uri) {
		return WebClient.create("http://localhost:" + this.port)
			.get()
			.uri(uri)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(WAIT);
	}

	private int post(String uri, String body) {
		return WebClient.create("http://localhost:" + this.port)
			.post()
			.uri(uri)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(WAIT);
	}

	private static String ack(String clientId, String channel, long cursor) {
		return "{\"client_id\":\"" + clientId + "\",\"channel\":\"" + channel + "\",\"cursor\":" + cursor + "}";
	}

	private static String send(String clientId, String channel, String text) {
		return "{\"client_id\":\"" + clientId + "\",\"channel\":\"" + channel + "\",\"payload\":{\"text\":\"" + text
				+ "\"}}";
	}

	private static void assertConsecutive(List<ServerSentEvent<String>> frames, long first) {
		for (int i = 0; i < frames.size(); i++) {
			JsonNode frame = TestSseClient.json(frames.get(i));
			assertThat(frame.path("cursor").asLong()).as("frame %d: %s", i, frame).isEqualTo(first + i);
			assertThat(frames.get(i).id()).contains("=" + (first + i) + "@");
		}
	}

}

package io.pushwire.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
 * {@link PushClient} against this project's server.
 */
@PushIntegrationTest
class PushClientIntegrationTests {

	static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	private final List<PushClient> clients = new ArrayList<>();

	@AfterEach
	void disconnect() {
		Flux.fromIterable(this.clients).flatMap(PushClient::disconnect).then().block(WAIT);
	}

	private PushClient.Builder builder(int port) {
		return PushClient.builder()
			.baseUrl("http://localhost:" + port + "/rps")
			.token("token-alice")
			.sseQueryToken(true)
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(20), 0));
	}

	private PushClient track(PushClient client) {
		this.clients.add(client);
		return client;
	}

	static String channel(String kind) {
		return kind + ":" + UUID.randomUUID().toString().substring(0, 8);
	}

	@Test
	void receivesPublishedFramesInOrderAfterConnecting() {
		String channel = channel("chat");
		PushClient client = track(builder(this.port).channels(channel).build());
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(5).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		Flux.range(1, 5).concatMap((i) -> this.pushServer.publish(channel, Map.of("n", i))).blockLast(WAIT);
		StepVerifier.create(received).assertNext((frames) -> {
			assertThat(frames).extracting(PushFrame::cursor).containsExactly(1L, 2L, 3L, 4L, 5L);
			assertThat(frames).extracting((frame) -> frame.payload().path("n").asInt()).containsExactly(1, 2, 3, 4, 5);
			assertThat(frames).allSatisfy((frame) -> assertThat(frame.epoch()).isNotBlank());
		}).expectComplete().verify(WAIT);
		PushClientState state = client.state();
		assertThat(state.status()).isEqualTo(PushClientStatus.CONNECTED);
		assertThat(state.transport()).isEqualTo("websocket");
		assertThat(state.positions().get(channel).cursor()).isEqualTo(5);
	}

	@Test
	void convertsPayloadsToTheRequestedType() {
		String channel = channel("chat");
		PushClient client = track(builder(this.port).channels(channel).build());
		Mono<List<PushFrame<Greeting>>> received = client.frames(channel, Greeting.class).take(2).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		this.pushServer.publish(channel, Map.of("text", "hello")).block(WAIT);
		this.pushServer.publish(channel, Map.of("text", "again")).block(WAIT);
		StepVerifier.create(received)
			.assertNext((frames) -> assertThat(frames).extracting((frame) -> frame.payload().text())
				.containsExactly("hello", "again"))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void subscribesAndUnsubscribesAtRuntime() {
		String first = channel("chat");
		String second = channel("chat");
		PushClient client = track(builder(this.port).channels(first).build());
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		Mono<PushFrame<JsonNode>> fromSecond = client.frames().filter((f) -> f.channel().equals(second)).next().cache();
		fromSecond.subscribe();
		StepVerifier.create(client.subscribe(second)).expectComplete().verify(WAIT);
		assertThat(client.channels()).containsExactly(first, second);
		this.pushServer.publish(second, "x").block(WAIT);
		StepVerifier.create(fromSecond)
			.assertNext((frame) -> assertThat(frame.cursor()).isEqualTo(1L))
			.expectComplete()
			.verify(WAIT);
		StepVerifier.create(client.unsubscribe(second)).expectComplete().verify(WAIT);
		assertThat(client.channels()).containsExactly(first);
		assertThat(client.positions()).doesNotContainKey(second);
	}

	@Test
	void refusedSubscriptionFailsWithTheServersError() {
		PushClient client = track(builder(this.port).build());
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		StepVerifier.create(client.subscribe("nosuchkind:x"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(PushOperationException.class)
				.hasFieldOrPropertyWithValue("code", "unknown_channel"))
			.verify(WAIT);
		assertThat(client.channels()).isEmpty();
	}

	@Test
	void presenceFailsClearlyWhenTheServerDoesNotOfferIt() {
		PushClient client = track(builder(this.port).channels(channel("chat")).build());
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		StepVerifier.create(client.presence("chat:x"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(PushOperationException.class)
				.hasMessageContaining("'presence' is not in auth_ok.features"))
			.verify(WAIT);
	}

	@Test
	void queuedSendsAreFlushedInOrderAfterConnecting() {
		String channel = channel("chat");
		PushClient client = track(builder(this.port).channels(channel).build());
		Mono<List<PushFrame<JsonNode>>> replies = client.frames().take(50).collectList().cache();
		replies.subscribe();
		List<Mono<Void>> sends = new ArrayList<>();
		List<String> expected = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			expected.add("m" + i);
			Mono<Void> send = client.send(channel, Map.of("text", "m" + i)).cache();
			send.subscribe(null, (ex) -> {
			});
			sends.add(send);
		}
		assertThat(client.state().status()).isEqualTo(PushClientStatus.DISCONNECTED);
		StepVerifier.create(client.connect().then(Mono.when(sends))).expectComplete().verify(WAIT);
		StepVerifier.create(replies)
			.assertNext((frames) -> assertThat(frames).extracting((frame) -> frame.payload().path("text").asString())
				.containsExactlyElementsOf(expected))
			.expectComplete()
			.verify(WAIT);
	}

	@Test
	void volatileFramesAreNeverQueuedWhileDisconnected() {
		PushClient client = track(builder(this.port).build());
		StepVerifier.create(client.send("chat:x", "typing", SendOptions.volatileOnly()))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(PushOperationException.class)
				.hasFieldOrPropertyWithValue("code", "not_connected"))
			.verify(WAIT);
	}

	@Test
	void trySendFailsFastWhenTheQueueIsFull() {
		PushClient client = track(builder(this.port).sendQueue(2, 1024 * 1024, SendOverflow.REJECT).build());
		client.trySend("chat:x", "a").subscribe(null, (ex) -> {
		});
		client.trySend("chat:x", "b").subscribe(null, (ex) -> {
		});
		StepVerifier.create(client.trySend("chat:x", "c"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(PushOperationException.class)
				.hasFieldOrPropertyWithValue("code", "queue_full")
				.hasMessageContaining("pushwire.client.send-queue"))
			.verify(WAIT);
	}

	@Test
	void badCredentialsGiveUpAndReconnectWorksWithFreshOnes() {
		AtomicInteger calls = new AtomicInteger();
		List<String> tokens = new CopyOnWriteArrayList<>(List.of("wrong", "token-alice"));
		PushClient client = track(builder(this.port).channels(channel("chat"))
			.credentials(
					() -> Mono.fromSupplier(() -> tokens.get(Math.min(calls.getAndIncrement(), tokens.size() - 1))))
			.build());
		List<PushClientEvent> events = new CopyOnWriteArrayList<>();
		client.events().subscribe(events::add);
		StepVerifier.create(client.connect())
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(PushConnectionException.class)
				.satisfies((pce) -> assertThat(((PushConnectionException) pce).shouldReconnect()).isFalse()))
			.verify(WAIT);
		assertThat(events).anyMatch(PushClientEvent.GaveUp.class::isInstance);
		assertThat(client.state().status()).isEqualTo(PushClientStatus.DISCONNECTED);
		StepVerifier.create(client.reconnect()).expectComplete().verify(WAIT);
		assertThat(calls.get()).isEqualTo(2);
		assertThat(client.state().status()).isEqualTo(PushClientStatus.CONNECTED);
	}

	@Test
	void staysConnectedWhileIdleOverWebSocketBecauseItAnswersPingsAndCountsThem() {
		assertStaysConnectedWhileIdle(TransportPreference.WS_ONLY);
	}

	@Test
	void staysConnectedWhileIdleOverSseBecauseHeartbeatCommentsCount() {
		assertStaysConnectedWhileIdle(TransportPreference.SSE_ONLY);
	}

	private void assertStaysConnectedWhileIdle(TransportPreference transport) {
		// The test server pings every 400 ms and closes after 800 ms of silence; the
		// client gives up
		// on a connection after heartbeat_ms + 600 ms.
		PushClient client = track(builder(this.port).channels(channel("chat"))
			.transport(transport)
			.timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(600))
			.build());
		List<PushClientEvent> events = new CopyOnWriteArrayList<>();
		client.events().subscribe(events::add);
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		StepVerifier.create(Mono.delay(Duration.ofSeconds(3))).expectNextCount(1).expectComplete().verify(WAIT);
		assertThat(events).noneMatch(PushClientEvent.Disconnected.class::isInstance);
		assertThat(client.state().reconnectCount()).isZero();
	}

	@Test
	void subscribingOverSseOpensANewStreamThatResumesTheOtherChannels() {
		String first = channel("chat");
		String second = channel("chat");
		PushClient client = track(builder(this.port).channels(first).transport(TransportPreference.SSE_ONLY).build());
		List<PushFrame<JsonNode>> frames = new CopyOnWriteArrayList<>();
		client.frames().subscribe(frames::add);
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		// Subscribed before publishing: frames() is hot.
		Mono<PushFrame<JsonNode>> third = client.frames().filter((f) -> f.cursor() == 3).next().cache();
		third.subscribe();
		Flux.range(1, 3).concatMap((i) -> this.pushServer.publish(first, i)).blockLast(WAIT);
		StepVerifier.create(third).expectNextCount(1).expectComplete().verify(WAIT);
		StepVerifier.create(client.subscribe(second)).expectComplete().verify(WAIT);
		assertThat(client.state().transport()).isEqualTo("sse");
		Mono<List<PushFrame<JsonNode>>> next = client.frames().take(2).collectList().cache();
		next.subscribe();
		this.pushServer.publish(first, 4).block(WAIT);
		this.pushServer.publish(second, "b").block(WAIT);
		StepVerifier.create(next)
			.assertNext((list) -> assertThat(list).extracting((f) -> f.channel() + "#" + f.cursor())
				.containsExactlyInAnyOrder(first + "#4", second + "#1"))
			.expectComplete()
			.verify(WAIT);
		assertThat(frames).filteredOn((f) -> f.channel().equals(first))
			.extracting(PushFrame::cursor)
			.as("no frame of the first channel twice across the new stream")
			.containsExactly(1L, 2L, 3L, 4L);
	}

	record Greeting(String text) {
	}

}

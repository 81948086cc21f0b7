package io.pushwire.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.pushwire.core.SystemOp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credential refresh, base URL rotation, acks and graceful disconnect of
 * {@link PushClient} on a scripted transport, in virtual time.
 */
class PushClientLifecycleTests {

	private static final String ID = "6b1f3b7e-1d1a-4c8e-9a51-6f0e8f7d2c11";

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final List<PushClientEvent> events = new CopyOnWriteArrayList<>();

	@AfterEach
	void dispose() {
		this.time.dispose();
	}

	private static String authOkExpiring(long expiresAtMs) {
		return "{\"type\":\"auth_ok\",\"client_id\":\"" + ID + "\",\"resume_cursors\":{},\"heads\":{},\"epochs\":{},"
				+ "\"heartbeat_ms\":1000000,\"features\":[],\"expires_at_ms\":" + expiresAtMs + "}";
	}

	@Test
	void refreshesAheadOfExpiryWithAFreshTokenAndReschedulesOnRefreshed() {
		AtomicInteger calls = new AtomicInteger();
		Sinks.Many<String> server = Sinks.many().unicast().onBackpressureBuffer();
		FakeTransport transport = new FakeTransport()
			.then((handler) -> server.asFlux().concatMap(handler::onMessage).then(Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.credentials(() -> Mono.fromSupplier(() -> "token-" + calls.incrementAndGet()))
			.scheduler(this.time)
			.build(List.of(transport));
		client.events().subscribe(this.events::add);
		client.connect().subscribe();
		server.tryEmitNext(authOkExpiring(100_000));
		assertThat(transport.tokens).containsExactly("token-1");
		this.time.advanceTimeBy(Duration.ofMillis(79_999));
		assertThat(transport.written).noneMatch(SystemOp.Refresh.class::isInstance);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(transport.written).contains(new SystemOp.Refresh("token-2"));
		server.tryEmitNext("{\"type\":\"refreshed\",\"expires_at_ms\":200000}");
		assertThat(this.events).contains(new PushClientEvent.TokenRefreshed(200_000L));
		// 80 % of the remaining 120 s
		this.time.advanceTimeBy(Duration.ofMillis(95_999));
		assertThat(transport.written).filteredOn(SystemOp.Refresh.class::isInstance).hasSize(1);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(transport.written).contains(new SystemOp.Refresh("token-3"));
		assertThat(client.state().status()).isEqualTo(PushClientStatus.CONNECTED);
	}

	@Test
	void tokenExpiredReconnectsWithFreshCredentials() {
		AtomicInteger calls = new AtomicInteger();
		FakeTransport transport = new FakeTransport()
			.then((handler) -> FakeTransport.play(handler, List.of(authOkExpiring(1000)),
					Mono.error(PushConnectionException.closed(4011, "token_expired"))))
			.then((handler) -> FakeTransport.play(handler, List.of(authOkExpiring(100_000)), Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.credentials(() -> Mono.fromSupplier(() -> "token-" + calls.incrementAndGet()))
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(100), 0))
			.scheduler(this.time)
			.build(List.of(transport));
		client.connect().subscribe();
		this.time.advanceTimeBy(Duration.ofMillis(100));
		assertThat(transport.tokens).containsExactly("token-1", "token-2");
		assertThat(client.state().status()).isEqualTo(PushClientStatus.CONNECTED);
		assertThat(client.state().reconnectCount()).isEqualTo(1);
	}

	@Test
	void triesTheBaseUrlsInTurnAfterFailedAttempts() {
		FakeTransport transport = new FakeTransport().then(FakeTransport.closeWith(1006))
			.then(FakeTransport.closeWith(1006))
			.then((handler) -> FakeTransport.play(handler, List.of(authOkExpiring(1_000_000_000_000_000L)),
					Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrls(List.of("http://a/rps", "http://b/rps"))
			.retryStrategy(RetryStrategy.fixed(Duration.ofSeconds(1), 0))
			.scheduler(this.time)
			.build(List.of(transport));
		client.connect().subscribe();
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		client.events().subscribe(this.events::add);
		assertThat(transport.urls).containsExactly("http://a/rps", "http://b/rps", "http://a/rps");
		assertThat(client.state().status()).isEqualTo(PushClientStatus.CONNECTED);
	}

	@Test
	void manualAcksAreSentOnlyWhenTheApplicationAcks() {
		FakeTransport transport = new FakeTransport()
			.then((handler) -> FakeTransport.play(handler, List.of(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1"),
					FakeTransport.frame("chat:a", 1), FakeTransport.frame("chat:a", 2)), Mono.never()));
		List<PushFrame<?>> frames = new CopyOnWriteArrayList<>();
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.channels("chat:a")
			.ack(AckMode.MANUAL, Duration.ofMillis(100))
			.scheduler(this.time)
			.build(List.of(transport));
		client.frames().subscribe(frames::add);
		client.connect().subscribe();
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(transport.written).noneMatch(SystemOp.Ack.class::isInstance);
		StepVerifier.create(frames.get(0).ack()).expectComplete().verify(WAIT);
		assertThat(transport.written).containsExactly(new SystemOp.Ack("chat:a", 1));
	}

	@Test
	void disconnectSaysGoodbyeClosesWith1000AndNeverReconnects() {
		FakeTransport transport = new FakeTransport().then((handler) -> FakeTransport.play(handler,
				List.of(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1")), Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.channels("chat:a")
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(1), 0))
			.scheduler(this.time)
			.build(List.of(transport));
		client.events().subscribe(this.events::add);
		client.connect().subscribe();
		StepVerifier.create(client.disconnect()).expectComplete().verify(WAIT);
		assertThat(transport.written).contains(new SystemOp.Goodbye("normal", 1000));
		assertThat(transport.closes).containsExactly("1000 normal");
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(client.state().status()).isEqualTo(PushClientStatus.DISCONNECTED);
		assertThat(transport.auths).hasSize(1);
		assertThat(this.events).contains(new PushClientEvent.Disconnected(1000, "normal"));
		assertThat(this.events).noneMatch(PushClientEvent.ReconnectScheduled.class::isInstance);
	}

	@Test
	void disconnectCompletesAfterTheLastCursorSaveAndNoneFollowsIt() {
		FakeTransport transport = new FakeTransport()
			.then((handler) -> FakeTransport.play(handler, List.of(FakeTransport.authOk(ID, "chat:a", 0, 2, "e1"),
					FakeTransport.frame("chat:a", 1), FakeTransport.frame("chat:a", 2)), Mono.never()));
		List<CursorStore.Snapshot> saved = new CopyOnWriteArrayList<>();
		List<Sinks.Empty<Void>> writes = new CopyOnWriteArrayList<>();
		CursorStore store = new CursorStore() {

			@Override
			public Mono<CursorStore.Snapshot> load() {
				return Mono.empty();
			}

			@Override
			public Mono<Void> save(CursorStore.Snapshot snapshot) {
				// a write that completes only when the test says so, like a file write on
				// another thread
				Sinks.Empty<Void> write = Sinks.empty();
				writes.add(write);
				return write.asMono().doOnSuccess((done) -> saved.add(snapshot));
			}

		};
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.channels("chat:a")
			.cursorStore(store, Duration.ofHours(1))
			.scheduler(this.time)
			.build(List.of(transport));
		client.connect().subscribe();
		Mono<Void> disconnected = client.disconnect().cache();
		disconnected.subscribe();
		assertThat(writes).hasSize(1);
		writes.get(0).tryEmitEmpty();
		StepVerifier.create(disconnected).expectComplete().verify(WAIT);
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(writes).hasSize(1);
		assertThat(saved).singleElement()
			.satisfies((snapshot) -> assertThat(snapshot.positions()).containsKey("chat:a"));
	}

	@Test
	void reconnectClosesALiveConnectionAndResumesAtOnce() {
		FakeTransport transport = new FakeTransport()
			.then((handler) -> FakeTransport.play(handler, List.of(FakeTransport.authOk(ID, "chat:a", 0, 2, "e1"),
					FakeTransport.frame("chat:a", 1), FakeTransport.frame("chat:a", 2)), Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.channels("chat:a")
			.retryStrategy(RetryStrategy.fixed(Duration.ofMinutes(1), 0))
			.scheduler(this.time)
			.build(List.of(transport));
		client.connect().subscribe();
		StepVerifier.create(client.reconnect()).expectComplete().verify(WAIT);
		assertThat(transport.closes).containsExactly("1000 reconnect");
		assertThat(transport.auths).hasSize(2);
		assertThat(transport.auths.get(1).resumeCursors()).containsEntry("chat:a", 2L);
		assertThat(client.state().reconnectCount()).isEqualTo(1);
	}

	@Test
	void slowIsReported() {
		FakeTransport transport = new FakeTransport().then((handler) -> FakeTransport.play(handler,
				List.of(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1"), "{\"type\":\"slow\",\"window\":5}"),
				Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.scheduler(this.time)
			.build(List.of(transport));
		client.events().subscribe(this.events::add);
		client.connect().subscribe();
		assertThat(this.events).contains(new PushClientEvent.Slow(5L));
	}

	@Test
	void aSendThatTimesOutWhileDisconnectedIsWithdrawnAndNeverWrittenLater() {
		Sinks.Many<String> server = Sinks.many().unicast().onBackpressureBuffer();
		FakeTransport transport = new FakeTransport()
			.then((handler) -> server.asFlux().concatMap(handler::onMessage).then(Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.scheduler(this.time)
			.build(List.of(transport));
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		client.send("chat:a", "late", SendOptions.timeout(Duration.ofSeconds(2))).subscribe(null, errors::add);
		client.connect().subscribe();
		this.time.advanceTimeBy(Duration.ofSeconds(2));
		assertThat(errors).singleElement()
			.isInstanceOf(PushOperationException.class)
			.hasFieldOrPropertyWithValue("code", "timeout");
		server.tryEmitNext(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1"));
		assertThat(client.state().status()).isEqualTo(PushClientStatus.CONNECTED);
		assertThat(transport.written).noneMatch(io.pushwire.core.Frame.class::isInstance);
	}

	@Test
	void aFramesSubscriberThatFallsBehindFailsAloneWithThePolicyError() {
		FakeTransport transport = new FakeTransport().then((handler) -> FakeTransport.play(handler,
				List.of(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1"), FakeTransport.frame("chat:a", 1),
						FakeTransport.frame("chat:a", 2), FakeTransport.frame("chat:a", 3)),
				Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.channels("chat:a")
			.frameBuffer(2, FrameOverflow.ERROR)
			.scheduler(this.time)
			.build(List.of(transport));
		client.events().subscribe(this.events::add);
		List<Long> fast = new CopyOnWriteArrayList<>();
		client.frames().subscribe((frame) -> fast.add(frame.cursor()));
		StepVerifier.Step<PushFrame<tools.jackson.databind.JsonNode>> stalled = StepVerifier.create(client.frames(), 0)
			.then(() -> client.connect().subscribe());
		// The two buffered frames are still delivered, then the overflow error.
		stalled.thenRequest(5)
			.expectNextMatches((frame) -> frame.cursor() == 1)
			.expectNextMatches((frame) -> frame.cursor() == 2)
			.expectError(reactor.core.Exceptions.failWithOverflow().getClass())
			.verify(WAIT);
		assertThat(fast).containsExactly(1L, 2L, 3L);
		assertThat(this.events).anyMatch((event) -> event instanceof PushClientEvent.Error error
				&& error.message().contains("pushwire.client.frame-overflow"));
	}

	@Test
	void aDropOldestSubscriberKeepsTheNewestFrames() {
		FakeTransport transport = new FakeTransport().then((handler) -> FakeTransport.play(handler,
				List.of(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1"), FakeTransport.frame("chat:a", 1),
						FakeTransport.frame("chat:a", 2), FakeTransport.frame("chat:a", 3)),
				Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.channels("chat:a")
			.frameBuffer(2, FrameOverflow.DROP_OLDEST)
			.scheduler(this.time)
			.build(List.of(transport));
		StepVerifier.create(client.frames(), 0)
			.then(() -> client.connect().subscribe())
			.thenRequest(5)
			.expectNextMatches((frame) -> frame.cursor() == 2)
			.expectNextMatches((frame) -> frame.cursor() == 3)
			.thenCancel()
			.verify(WAIT);
	}

	@Test
	void aReceiverHoldsTheNextFrameUntilItsMonoCompletes() {
		FakeTransport transport = new FakeTransport()
			.then((handler) -> FakeTransport.play(handler, List.of(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1"),
					FakeTransport.frame("chat:a", 1), FakeTransport.frame("chat:a", 2)), Mono.never()));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.channels("chat:a")
			.scheduler(this.time)
			.build(List.of(transport));
		List<String> log = new CopyOnWriteArrayList<>();
		client.on("chat:a", (frame) -> {
			log.add("start " + frame.cursor());
			return Mono.delay(Duration.ofSeconds(1), this.time)
				.then(Mono.fromRunnable(() -> log.add("done " + frame.cursor())));
		});
		client.connect().subscribe();
		assertThat(log).containsExactly("start 1");
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(log).containsExactly("start 1", "done 1", "start 2");
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(log).containsExactly("start 1", "done 1", "start 2", "done 2");
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(transport.written).contains(new SystemOp.Ack("chat:a", 2));
	}

}

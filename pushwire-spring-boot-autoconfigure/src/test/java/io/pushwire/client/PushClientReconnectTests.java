package io.pushwire.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.SystemOp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reconnect loop, close code rules, cursor tracking and resume of {@link PushClient}
 * on a scripted transport, in virtual time.
 */
class PushClientReconnectTests {

	private static final String ID = "6b1f3b7e-1d1a-4c8e-9a51-6f0e8f7d2c11";

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final List<PushClientEvent> events = new CopyOnWriteArrayList<>();

	@AfterEach
	void dispose() {
		this.time.dispose();
	}

	private PushClient client(FakeTransport transport, RetryStrategy retry) {
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.channels("chat:a")
			.retryStrategy(retry)
			.stableAfter(Duration.ofSeconds(30))
			.scheduler(this.time)
			.build(List.of(transport));
		client.events().subscribe(this.events::add);
		return client;
	}

	private List<Duration> scheduledDelays() {
		return this.events.stream()
			.filter(PushClientEvent.ReconnectScheduled.class::isInstance)
			.map((event) -> ((PushClientEvent.ReconnectScheduled) event).delay())
			.toList();
	}

	private long attemptsStarted() {
		return this.events.stream().filter(PushClientEvent.Connecting.class::isInstance).count();
	}

	@Test
	void backsOffExponentiallyInVirtualTimeAndGivesUpAfterMaxAttempts() {
		FakeTransport transport = new FakeTransport().then(FakeTransport.closeWith(1006));
		PushClient client = client(transport, RetryStrategy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(60),
				2, 0, 3, new java.util.Random(1)));
		Mono<Void> connected = client.connect().cache();
		connected.subscribe(null, (ex) -> {
		});
		assertThat(attemptsStarted()).isEqualTo(1);
		this.time.advanceTimeBy(Duration.ofMillis(999));
		assertThat(attemptsStarted()).isEqualTo(1);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(attemptsStarted()).isEqualTo(2);
		this.time.advanceTimeBy(Duration.ofMillis(1999));
		assertThat(attemptsStarted()).isEqualTo(2);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(attemptsStarted()).isEqualTo(3);
		this.time.advanceTimeBy(Duration.ofSeconds(4));
		assertThat(attemptsStarted()).isEqualTo(4);
		assertThat(scheduledDelays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2),
				Duration.ofSeconds(4));
		assertThat(this.events).last().isInstanceOf(PushClientEvent.GaveUp.class);
		assertThat(client.state().status()).isEqualTo(PushClientStatus.DISCONNECTED);
		StepVerifier.create(connected).expectError(PushConnectionException.class).verify(WAIT);
	}

	@Test
	void closeCodesThatMustNotReconnectGiveUpAtOnce() {
		for (int code : new int[] { 1000, 1008, 4001, 4003, 4009 }) {
			this.events.clear();
			PushClient client = client(new FakeTransport().then(FakeTransport.closeWith(code)),
					RetryStrategy.fixed(Duration.ofMillis(10), 0));
			client.connect().subscribe(null, (ex) -> {
			});
			assertThat(scheduledDelays()).as("close %d", code).isEmpty();
			assertThat(this.events).as("close %d", code).last().isInstanceOf(PushClientEvent.GaveUp.class);
		}
	}

	@Test
	void closeCodesThatAskForAReconnectAreRetried() {
		for (int code : new int[] { 1001, 1006, 1009, 4008, 4010, 4011 }) {
			this.events.clear();
			PushClient client = client(new FakeTransport().then(FakeTransport.closeWith(code)),
					RetryStrategy.fixed(Duration.ofMillis(10), 1));
			client.connect().subscribe(null, (ex) -> {
			});
			assertThat(scheduledDelays()).as("close %d", code).containsExactly(Duration.ofMillis(10));
		}
	}

	@Test
	void aRefusedUpgradeStopsButAServerErrorRetries() {
		PushClient refused = client(
				new FakeTransport()
					.then((handler) -> Mono.error(PushConnectionException.refused(403, "WebSocket upgrade"))),
				RetryStrategy.fixed(Duration.ofMillis(10), 0));
		refused.connect().subscribe(null, (ex) -> {
		});
		assertThat(scheduledDelays()).isEmpty();
		this.events.clear();
		PushClient unavailable = client(
				new FakeTransport()
					.then((handler) -> Mono.error(PushConnectionException.refused(503, "WebSocket upgrade"))),
				RetryStrategy.fixed(Duration.ofMillis(10), 1));
		unavailable.connect().subscribe(null, (ex) -> {
		});
		assertThat(scheduledDelays()).containsExactly(Duration.ofMillis(10));
	}

	@Test
	void aReconnectRuleReplacesTheCloseCodeRule() {
		FakeTransport transport = new FakeTransport().then(FakeTransport.closeWith(4001));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.retryStrategy(RetryStrategy.fixed(Duration.ofSeconds(1), 2))
			.reconnectRule((ex) -> true)
			.scheduler(this.time)
			.build(List.of(transport));
		client.events().subscribe(this.events::add);
		client.connect().subscribe(null, (ex) -> {
		});
		this.time.advanceTimeBy(Duration.ofSeconds(5));
		assertThat(scheduledDelays()).hasSize(2);
		assertThat(transport.tokens).hasSize(3);
	}

	@Test
	void credentialsAreAskedOnEveryAttempt() {
		AtomicInteger calls = new AtomicInteger();
		FakeTransport transport = new FakeTransport().then(FakeTransport.closeWith(1006));
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost/rps")
			.credentials(() -> Mono.fromSupplier(() -> "token-" + calls.incrementAndGet()))
			.retryStrategy(RetryStrategy.fixed(Duration.ofSeconds(1), 3))
			.scheduler(this.time)
			.build(List.of(transport));
		client.connect().subscribe(null, (ex) -> {
		});
		this.time.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(transport.tokens).containsExactly("token-1", "token-2", "token-3", "token-4");
	}

	@Test
	void reconnectAfterGivingUpStartsAgainWithTheAttemptCountReset() {
		FakeTransport transport = new FakeTransport().then(FakeTransport.closeWith(4003))
			.then((handler) -> FakeTransport.play(handler, List.of(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1")),
					Mono.never()));
		PushClient client = client(transport, RetryStrategy.fixed(Duration.ofSeconds(1), 0));
		client.connect().subscribe(null, (ex) -> {
		});
		assertThat(this.events).last().isInstanceOf(PushClientEvent.GaveUp.class);
		StepVerifier.create(client.reconnect()).expectComplete().verify(WAIT);
		assertThat(client.state().status()).isEqualTo(PushClientStatus.CONNECTED);
		assertThat(client.state().clientId()).isEqualTo(ID);
	}

	@Test
	void theAttemptCountRestartsOnceAConnectionStayedUpForStableAfter() {
		String ok = FakeTransport.authOk(ID, "chat:a", 0, 0, "e1");
		FakeTransport transport = new FakeTransport()
			.then((handler) -> FakeTransport.play(handler, List.of(ok),
					Mono.delay(Duration.ofSeconds(1), this.time)
						.then(Mono.error(PushConnectionException.closed(1006, "")))))
			.then((handler) -> FakeTransport.play(handler, List.of(ok),
					Mono.delay(Duration.ofSeconds(40), this.time)
						.then(Mono.error(PushConnectionException.closed(1006, "")))))
			.then((handler) -> FakeTransport.play(handler, List.of(ok), Mono.never()));
		PushClient client = client(transport, RetryStrategy.exponential(Duration.ofSeconds(1), Duration.ofSeconds(60),
				2, 0, 0, new java.util.Random(1)));
		client.connect().subscribe();
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		this.time.advanceTimeBy(Duration.ofSeconds(40));
		// The first connection lived 1 s (< stable-after): the second delay would be 2 s;
		// the second
		// lived 40 s, so the count restarted and the delay is the initial one again.
		assertThat(scheduledDelays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(1));
	}

	@Test
	void dropsDuplicatesReportsGapsAndResumesFromTheTrackedPositionsWithTheirEpoch() {
		List<JsonNode> payloads = new CopyOnWriteArrayList<>();
		FakeTransport transport = new FakeTransport()
			.then((handler) -> FakeTransport.play(handler,
					List.of(FakeTransport.authOk(ID, "chat:a", 0, 3, "e1"), FakeTransport.frame("chat:a", 1),
							FakeTransport.frame("chat:a", 2), FakeTransport.frame("chat:a", 2),
							FakeTransport.frame("chat:a", 1), FakeTransport.frame("chat:a", 4)),
					Mono.error(PushConnectionException.closed(1006, ""))))
			.then((handler) -> FakeTransport.play(handler,
					List.of(FakeTransport.authOk(ID, "chat:a", 4, 6, "e1"), FakeTransport.frame("chat:a", 4),
							FakeTransport.frame("chat:a", 5), FakeTransport.frame("chat:a", 6)),
					Mono.never()));
		PushClient client = client(transport, RetryStrategy.fixed(Duration.ofSeconds(1), 0));
		client.frames().subscribe((frame) -> payloads.add(frame.payload()));
		client.connect().subscribe();
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(payloads).extracting(JsonNode::asLong).containsExactly(1L, 2L, 4L, 5L, 6L);
		assertThat(this.events).filteredOn(PushClientEvent.Gap.class::isInstance)
			.containsExactly(new PushClientEvent.Gap("chat:a", 3, 4));
		assertThat(this.events).contains(new PushClientEvent.ReplayComplete("chat:a", 4),
				new PushClientEvent.ReplayComplete("chat:a", 6));
		SystemOp.Auth resume = transport.auths.get(1);
		assertThat(resume.clientId()).isEqualTo(ID);
		assertThat(resume.resumeCursors()).containsEntry("chat:a", 4L);
		assertThat(resume.resumeEpochs()).containsEntry("chat:a", "e1");
		assertThat(client.positions().get("chat:a").cursor()).isEqualTo(6);
	}

	@Test
	void resumeRequiredResetsTheCursorAndIsReported() {
		List<Long> cursors = new CopyOnWriteArrayList<>();
		FakeTransport transport = new FakeTransport().then((handler) -> FakeTransport.play(handler,
				List.of(FakeTransport.authOk(ID, "chat:a", 40, 50, "e2"),
						"{\"type\":\"resume_required\",\"channel\":\"chat:a\",\"from_cursor\":41,\"epoch\":\"e2\"}",
						FakeTransport.frame("chat:a", 41)),
				Mono.never()));
		PushClient client = client(transport, RetryStrategy.none());
		List<String> resumed = new CopyOnWriteArrayList<>();
		client.on("chat:a", new ChannelReceiver() {

			@Override
			public Mono<Void> onFrame(PushFrame<JsonNode> frame) {
				cursors.add(frame.cursor());
				return Mono.empty();
			}

			@Override
			public void onResumeRequired(String channel, long fromCursor, String epoch) {
				resumed.add(channel + "@" + fromCursor + "/" + epoch);
			}

		});
		client.connect().subscribe();
		assertThat(cursors).containsExactly(41L);
		assertThat(resumed).containsExactly("chat:a@41/e2");
		assertThat(this.events).contains(new PushClientEvent.ResumeRequired("chat:a", 41, "e2"));
		assertThat(client.positions().get("chat:a").epoch()).isEqualTo("e2");
	}

	@Test
	void answersPingsAndAcknowledgesProcessedFramesAutomatically() {
		FakeTransport transport = new FakeTransport()
			.then((handler) -> FakeTransport.play(handler, List.of(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1"),
					"{\"type\":\"ping\"}", FakeTransport.frame("chat:a", 1), FakeTransport.frame("chat:a", 2)),
					Mono.never()));
		PushClient client = client(transport, RetryStrategy.none());
		client.connect().subscribe();
		assertThat(transport.written).contains(new SystemOp.Pong());
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(transport.written).contains(new SystemOp.Ack("chat:a", 2));
		assertThat(transport.written).doesNotContain(new SystemOp.Ack("chat:a", 1));
	}

	@Test
	void retryStrategyReceivesTheClosingError() {
		List<Integer> codes = new CopyOnWriteArrayList<>();
		FakeTransport transport = new FakeTransport().then(FakeTransport.closeWith(4008));
		PushClient client = client(transport, (error, attempt) -> {
			codes.add(((PushConnectionException) error).code());
			return Optional.empty();
		});
		client.connect().subscribe(null, (ex) -> {
		});
		assertThat(codes).containsExactly(4008);
	}

}

package io.pushwire.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.StringNode;

import io.pushwire.core.Frame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handshake steps and extensions of {@link PushClient} on a scripted transport, in
 * virtual time.
 */
class PushClientExtensionTests {

	private static final String ID = "6b1f3b7e-1d1a-4c8e-9a51-6f0e8f7d2c11";

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final List<PushClientEvent> events = new CopyOnWriteArrayList<>();

	@AfterEach
	void dispose() {
		this.time.dispose();
	}

	private static FakeTransport connectingTransport(String... frames) {
		List<String> messages = new java.util.ArrayList<>();
		messages.add(FakeTransport.authOk(ID, "chat:a", 0, 0, "e1"));
		for (String frame : frames) {
			messages.add(frame);
		}
		return new FakeTransport().then((handler) -> FakeTransport.play(handler, messages, Mono.never()));
	}

	private PushClient.Builder builder() {
		return PushClient.builder()
			.baseUrl("http://localhost/rps")
			.channels("chat:a")
			.retryStrategy(RetryStrategy.fixed(Duration.ofSeconds(1), 0))
			.scheduler(this.time);
	}

	@Test
	void handshakeStepsRunInOrderBeforeConnectCompletesAndQueuedFramesAreFlushed() {
		List<String> order = new CopyOnWriteArrayList<>();
		FakeTransport transport = connectingTransport();
		PushClient client = builder().handshakeStep((context) -> {
			order.add("hello " + context.clientId() + " reconnected=" + context.reconnected());
			return context.send("chat:a", "hello");
		})
			.handshakeStep((context) -> Mono.delay(Duration.ofSeconds(1), this.time)
				.then(Mono.fromRunnable(() -> order.add("second"))))
			.build(List.of(transport));
		client.send("chat:a", "queued").subscribe();
		Mono<Void> connected = client.connect().cache();
		connected.subscribe();
		assertThat(order).containsExactly("hello " + ID + " reconnected=false");
		assertThat(client.state().status()).isNotEqualTo(PushClientStatus.CONNECTED);
		assertThat(transport.written).containsExactly(Frame.of("chat:a", StringNode.valueOf("hello")));
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(order).containsExactly("hello " + ID + " reconnected=false", "second");
		StepVerifier.create(connected).expectComplete().verify(WAIT);
		assertThat(transport.written).containsExactly(Frame.of("chat:a", StringNode.valueOf("hello")),
				Frame.of("chat:a", StringNode.valueOf("queued")));
	}

	@Test
	void aHandshakeStepThatTimesOutEndsTheConnectionAndIsRetried() {
		FakeTransport transport = connectingTransport();
		PushClient client = builder().handshakeStep(new HandshakeStep() {

			@Override
			public Mono<Void> perform(Context context) {
				return Mono.never();
			}

			@Override
			public Duration timeout() {
				return Duration.ofSeconds(2);
			}

		}).build(List.of(transport));
		client.events().subscribe(this.events::add);
		client.connect().subscribe(null, (ex) -> {
		});
		this.time.advanceTimeBy(Duration.ofMillis(1999));
		assertThat(this.events).noneMatch(PushClientEvent.ReconnectScheduled.class::isInstance);
		this.time.advanceTimeBy(Duration.ofMillis(1));
		assertThat(this.events).anyMatch((event) -> event instanceof PushClientEvent.Error error
				&& error.message().contains("Handshake step 1 of 1 failed"));
		assertThat(this.events).contains(new PushClientEvent.ReconnectScheduled(Duration.ofSeconds(1), 1));
		this.time.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(transport.auths).hasSize(2);
	}

	@Test
	void extensionsTransformAndFilterFramesInOrderAndSeeEveryEvent() {
		List<String> seen = new CopyOnWriteArrayList<>();
		List<PushClientEvent> extensionEvents = new CopyOnWriteArrayList<>();
		StatusExtension status = new StatusExtension();
		PushClient client = builder().extension(new PushClientExtension() {

			@Override
			public void onEvent(PushClientEvent event) {
				extensionEvents.add(event);
			}

			@Override
			public Mono<PushFrame<JsonNode>> onFrame(PushFrame<JsonNode> frame) {
				return (frame.cursor() == 2) ? Mono.empty()
						: Mono.just(frame.withPayload(IntNode.valueOf(frame.payload().asInt() * 10)));
			}

		})
			.extension(status)
			.build(List.of(connectingTransport(FakeTransport.frame("chat:a", 1), FakeTransport.frame("chat:a", 2),
					FakeTransport.frame("chat:a", 3))));
		client.frames().subscribe((frame) -> seen.add(frame.cursor() + "=" + frame.payload().asInt()));
		client.connect().subscribe();
		assertThat(seen).containsExactly("1=10", "3=30");
		assertThat(extensionEvents).anyMatch(PushClientEvent.Connected.class::isInstance);
		assertThat(status.status().frames()).isEqualTo(2);
		assertThat(status.status().connects()).isEqualTo(1);
		assertThat(client.positions().get("chat:a").cursor()).as("filtered frames still count as received")
			.isEqualTo(3);
	}

	@Test
	void aFailingExtensionSkipsTheFrameOrPassesItThroughPerPolicy() {
		PushClientExtension failing = new PushClientExtension() {

			@Override
			public Mono<PushFrame<JsonNode>> onFrame(PushFrame<JsonNode> frame) {
				throw new IllegalStateException("broken extension");
			}

		};
		for (PushClientExtension.ExtensionErrorPolicy policy : PushClientExtension.ExtensionErrorPolicy.values()) {
			List<Long> seen = new CopyOnWriteArrayList<>();
			this.events.clear();
			PushClient client = builder().extension(failing)
				.extensionErrorPolicy(policy)
				.build(List.of(connectingTransport(FakeTransport.frame("chat:a", 1))));
			client.events().subscribe(this.events::add);
			client.frames().subscribe((frame) -> seen.add(frame.cursor()));
			client.connect().subscribe();
			assertThat(seen).as(policy.name())
				.isEqualTo((policy == PushClientExtension.ExtensionErrorPolicy.PASS_THROUGH) ? List.of(1L) : List.of());
			assertThat(this.events).as(policy.name())
				.anyMatch((event) -> event instanceof PushClientEvent.Error error
						&& error.message().contains("broken extension"));
		}
	}

	@Test
	void theLoggingExtensionTruncatesPayloads() {
		LoggingExtension logging = new LoggingExtension(10);
		assertThat(logging.truncate(StringNode.valueOf("a secret that is far too long to log")))
			.isEqualTo("\"a secret ...(38 chars)");
		assertThat(logging.truncate(IntNode.valueOf(42))).isEqualTo("42");
	}

}

package io.pushwire.server.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;

import io.pushwire.client.FrameOverflow;
import io.pushwire.client.PushClient;
import io.pushwire.client.PushClientEvent;
import io.pushwire.client.PushFrame;
import io.pushwire.client.RetryStrategy;
import io.pushwire.client.TransportPreference;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.SessionRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The graceful drain of {@link PushServerLifecycle} against a running server, on a
 * virtual clock so that the spreading is deterministic: the test decides when drain time
 * passes, the goodbyes travel over real sockets.
 */
@SpringBootTest(classes = { PushTestApplication.class, GracefulShutdownIntegrationTests.VirtualDrain.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal", "pushwire.server.sse.allow-query-token=true" })
@DirtiesContext
class GracefulShutdownIntegrationTests {

	private static final Duration DRAIN = Duration.ofSeconds(2);

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int CLIENTS = 200;

	@LocalServerPort
	int port;

	@Autowired
	PushServerLifecycle lifecycle;

	@Autowired
	VirtualTimeScheduler clock;

	@Autowired
	SessionRegistry sessions;

	@Autowired
	ConnectionAdmission admission;

	@Autowired
	PushServer pushServer;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void restart() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		if (!this.lifecycle.isRunning()) {
			this.lifecycle.start();
		}
	}

	@Test
	void spreadsGoodbyeShutdownOverTheDrainAndRefusesNewConnectionsMeanwhile() {
		List<TestWebSocketClient> clients = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			TestWebSocketClient client = TestWebSocketClient.connect(this.port);
			this.closeables.add(client);
			client.auth("token-drain" + i, null, List.of());
			clients.add(client);
		}
		assertThat(open()).isEqualTo(CLIENTS);
		AtomicBoolean stopped = new AtomicBoolean();
		this.lifecycle.stop(() -> stopped.set(true));
		assertThat(this.lifecycle.isDraining()).isTrue();

		// The first tick closes the first connection, then one every drain / n.
		this.clock.advanceTimeBy(DRAIN.dividedBy(10));
		assertThat(CLIENTS - open()).as("closed in the first 10 % of the drain")
			.isEqualTo(CLIENTS / 10 + 1)
			.isLessThan(CLIENTS);
		assertRefused("/rps");
		assertRefused("/rps/sse?token=token-late");

		this.clock.advanceTimeBy(DRAIN.minus(DRAIN.dividedBy(10)));
		assertThat(open()).as("open after the drain period").isZero();
		for (TestWebSocketClient client : clients) {
			JsonNode goodbye = client.expect("goodbye");
			assertThat(goodbye.path("reason").asString()).isEqualTo("shutdown");
			assertThat(client.awaitClose().code()).isEqualTo(1001);
		}
		await().atMost(WAIT).until(() -> {
			this.clock.advanceTimeBy(PushServerLifecycle.TICK);
			return stopped.get();
		});
		assertThat(this.sessions.connected()).isEmpty();
	}

	@Test
	void clientResumesWithoutLossOnceTheServerAcceptsAgain() {
		String channel = "chat:drain-" + System.nanoTime();
		PushClient client = PushClient.builder()
			.baseUrl("http://127.0.0.1:" + this.port + "/rps")
			.token("token-resumer")
			.channels(List.of(channel))
			.transport(TransportPreference.WS_ONLY)
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(20), 0))
			.frameBuffer(100, FrameOverflow.ERROR)
			.build();
		this.closeables.add(() -> client.disconnect().block(WAIT));
		List<PushClientEvent> problems = new CopyOnWriteArrayList<>();
		client.events()
			.filter((event) -> event instanceof PushClientEvent.Gap || event instanceof PushClientEvent.ResumeRequired)
			.subscribe(problems::add);
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(10).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		publish(channel, 0, 5);

		AtomicBoolean stopped = new AtomicBoolean();
		this.lifecycle.stop(() -> stopped.set(true));
		await().atMost(WAIT).until(() -> {
			this.clock.advanceTimeBy(PushServerLifecycle.TICK);
			return stopped.get();
		});
		// Published while the node refuses connections: the client gets it on resume.
		publish(channel, 5, 10);
		assertThat(client.state().reconnectCount()).isZero();
		this.lifecycle.start();

		StepVerifier.create(received).assertNext((frames) -> {
			assertThat(frames).extracting(PushFrame::cursor).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
			assertThat(frames).extracting((frame) -> frame.payload().path("n").asInt())
				.containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
		}).expectComplete().verify(WAIT);
		assertThat(problems).isEmpty();
		assertThat(client.state().reconnectCount()).isPositive();
	}

	private void publish(String channel, int from, int to) {
		StepVerifier
			.create(Flux.range(from, to - from).concatMap((n) -> this.pushServer.publish(channel, Map.of("n", n))))
			.expectNextCount(to - from)
			.expectComplete()
			.verify(WAIT);
	}

	private void assertRefused(String path) {
		WebClient.create("http://127.0.0.1:" + this.port)
			.get()
			.uri(path)
			.header("Authorization", "Bearer token-late")
			.exchangeToMono((response) -> {
				assertThat(response.statusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
				return response.bodyToMono(JsonNode.class);
			})
			.as(StepVerifier::create)
			.assertNext((body) -> assertThat(body.path("code").asString()).isEqualTo("unavailable"))
			.expectComplete()
			.verify(WAIT);
	}

	private int open() {
		int open = 0;
		for (DefaultPushSession session : this.sessions.connected()) {
			ClientConnection connection = session.connection();
			if (connection != null && connection.closeReason() == null) {
				open++;
			}
		}
		return open;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class VirtualDrain {

		@Bean
		VirtualTimeScheduler drainClock() {
			return VirtualTimeScheduler.create();
		}

		@Bean
		PushServerLifecycle drainingLifecycle(SessionRegistry sessions, ConnectionAdmission admission,
				VirtualTimeScheduler drainClock) {
			return new PushServerLifecycle(sessions, admission, DRAIN, drainClock);
		}

	}

}

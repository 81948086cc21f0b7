package io.pushwire.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.DeltaDocuments;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PushClient} with delta updates against this project's server (PROTOCOL.md §8.3):
 * the application only ever sees full payloads, deltas are applied and checked, and a
 * base gone wrong recovers through a resubscription without losing or repeating a frame.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "pushwire.server.channels.doc.delta=fossil")
class PushClientDeltaIntegrationTests {

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

	private PushClient client(String... delta) {
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost:" + this.port + "/rps")
			.token("token-alice")
			.transport(TransportPreference.WS_ONLY)
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(20), 0))
			.delta(delta)
			.build();
		this.clients.add(client);
		return client;
	}

	private static String channel() {
		return "doc:" + UUID.randomUUID().toString().substring(0, 8);
	}

	private void publish(String channel, int from, int to) {
		Flux.range(from, to - from + 1)
			.concatMap((n) -> this.pushServer.publish(channel, DeltaDocuments.document(n)))
			.blockLast(WAIT);
	}

	@Test
	void deliversFullPayloadsThatItRebuiltFromDeltas() {
		String channel = channel();
		PushClient client = client("doc");
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(6).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect().then(client.subscribe(channel))).expectComplete().verify(WAIT);
		publish(channel, 1, 6);
		StepVerifier.create(received).assertNext((frames) -> {
			assertThat(frames).extracting(PushFrame::cursor).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
			for (int i = 0; i < 6; i++) {
				assertThat(frames.get(i).payload()).isEqualTo(DeltaDocuments.document(i + 1));
			}
		}).expectComplete().verify(WAIT);
		// The first frame came in full, the five after it as deltas.
		assertThat(client.session.deltas.applied()).isEqualTo(5);
		assertThat(client.session.deltas.recoveries()).isZero();
	}

	@Test
	void aBaseGoneWrongIsResumedFromTheCursorWithAFullFrameAndNothingLost() {
		String channel = channel();
		PushClient client = client(channel);
		Mono<List<PushFrame<JsonNode>>> first = client.frames().take(2).collectList().cache();
		first.subscribe();
		Mono<List<PushFrame<JsonNode>>> all = client.frames().take(6).collectList().cache();
		all.subscribe();
		List<PushClientEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();
		client.events().subscribe(events::add);
		StepVerifier.create(client.connect().then(client.subscribe(channel))).expectComplete().verify(WAIT);
		publish(channel, 1, 2);
		StepVerifier.create(first).expectNextCount(1).expectComplete().verify(WAIT);
		client.session.deltas.corruptBase(channel, "{\"not\":\"the payload\"}".getBytes());
		publish(channel, 3, 6);
		StepVerifier.create(all).assertNext((frames) -> {
			assertThat(frames).extracting(PushFrame::cursor).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
			for (int i = 0; i < 6; i++) {
				assertThat(frames.get(i).payload()).isEqualTo(DeltaDocuments.document(i + 1));
			}
		}).expectComplete().verify(WAIT);
		assertThat(client.session.deltas.recoveries()).isEqualTo(1);
		assertThat(events).anySatisfy((event) -> assertThat(event).isInstanceOfSatisfying(PushClientEvent.Error.class,
				(error) -> assertThat(error.message()).contains("did not apply", channel)));
	}

	@Test
	void aClientThatDoesNotAskGetsFullFrames() {
		String channel = channel();
		PushClient client = client();
		Mono<List<PushFrame<JsonNode>>> received = client.frames().take(3).collectList().cache();
		received.subscribe();
		StepVerifier.create(client.connect().then(client.subscribe(channel))).expectComplete().verify(WAIT);
		publish(channel, 1, 3);
		StepVerifier.create(received)
			.assertNext((frames) -> assertThat(frames).extracting(PushFrame::payload)
				.containsExactly(DeltaDocuments.document(1), DeltaDocuments.document(2), DeltaDocuments.document(3)))
			.expectComplete()
			.verify(WAIT);
		assertThat(client.session.deltas.applied()).isZero();
	}

	@Test
	void aChannelOrKindThatIsNotAChannelNameIsRefusedNamingTheProperty() {
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> PushClient.builder().delta("Not A Channel"))
			.withMessageContaining("pushwire.client.delta");
	}

}

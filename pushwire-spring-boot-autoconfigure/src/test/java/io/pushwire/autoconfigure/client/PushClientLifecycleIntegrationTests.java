package io.pushwire.autoconfigure.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import io.pushwire.client.PushClient;
import io.pushwire.client.PushClientEvent;
import io.pushwire.client.PushClientStatus;
import io.pushwire.client.PushFrame;
import io.pushwire.server.PushIntegrationTest;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configured {@link PushClient} bean of an application (here a context of its
 * own) against this project's server: connected when the application starts, subscribed
 * to {@code pushwire.client.channels}, and disconnected gracefully (close 1000, never
 * reconnecting) when it stops.
 */
@PushIntegrationTest
class PushClientLifecycleIntegrationTests {

	static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Test
	void connectsOnStartReceivesItsChannelsAndDisconnectsGracefullyOnClose() {
		String channel = "chat:" + UUID.randomUUID().toString().substring(0, 8);
		List<PushClientEvent> events = new CopyOnWriteArrayList<>();
		AtomicReference<PushClient> bean = new AtomicReference<>();
		AtomicReference<String> clientId = new AtomicReference<>();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PushwireClientAutoConfiguration.class))
			.withPropertyValues("pushwire.client.base-url=http://localhost:" + this.port + "/rps",
					"pushwire.client.token=token-alice", "pushwire.client.channels=" + channel)
			.run((context) -> {
				PushClient client = context.getBean(PushClient.class);
				bean.set(client);
				client.events().subscribe(events::add);
				Mono<PushFrame<JsonNode>> first = client.frames().next().cache();
				first.subscribe();
				// Started by the application: connect() only waits for the connection
				// under way.
				StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
				clientId.set(client.state().clientId());
				assertThat(this.pushServer.session(clientId.get()))
					.hasValueSatisfying((session) -> assertThat(session.isConnected()).isTrue());
				this.pushServer.publish(channel, Map.of("text", "hello")).block(WAIT);
				StepVerifier.create(first)
					.assertNext((frame) -> assertThat(frame.payload().path("text").asString()).isEqualTo("hello"))
					.expectComplete()
					.verify(WAIT);
			});
		// The context is closed: its lifecycle waited for the graceful disconnect.
		PushClient client = bean.get();
		assertThat(client.state().status()).isEqualTo(PushClientStatus.DISCONNECTED);
		// The event may be published on the connection's event loop just after the state
		// changed.
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(events).filteredOn(PushClientEvent.Disconnected.class::isInstance)
				.extracting((event) -> ((PushClientEvent.Disconnected) event).code())
				.containsExactly(1000));
		assertThat(events).noneMatch(PushClientEvent.ReconnectScheduled.class::isInstance);
		// The server notices the close on its own event loop: bounded wait, no fixed
		// sleep.
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(
					this.pushServer.session(clientId.get()).map(PushSession::isConnected).orElse(false))
				.isFalse());
	}

}

package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ChannelName;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushSession;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestSseClient;
import io.pushwire.server.TestWebSocketClient;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions end to end: bounded per principal, refused for a principal without a name, and
 * left clean (no session bound to a dead connection, no connection slot taken, no stream
 * listener) when a handshake fails or is cancelled halfway.
 */
@SpringBootTest(classes = { PushTestApplication.class, SessionIntegrationTests.TestAuthorizerConfiguration.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal", "pushwire.server.channels.boom.priority=normal",
				"pushwire.server.channels.hold.priority=normal", "pushwire.server.max-sessions-per-principal=3",
				"pushwire.server.max-connections-per-principal=2" })
class SessionIntegrationTests {

	private static final Duration WAIT = TestWebSocketClient.TIMEOUT;

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Autowired
	TestAuthorizer authorizer;

	@Test
	void oldestDetachedSessionIsDroppedPastMaxSessionsPerPrincipal() {
		List<String> clientIds = List.of(id(), id(), id(), id());
		for (String clientId : clientIds) {
			try (TestSseClient sse = TestSseClient.connect(this.port,
					"token=token-olga&client_id=" + clientId + "&channels=chat:olga")) {
				sse.expectSystem("auth_ok");
			}
			awaitDetached(clientId);
		}
		assertThat(this.pushServer.session(clientIds.get(0))).isEmpty();
		assertThat(ack("token-olga", clientIds.get(0)).getStatusCode().value()).isEqualTo(404);
		for (String kept : clientIds.subList(1, 4)) {
			assertThat(this.pushServer.session(kept)).isPresent();
			assertThat(ack("token-olga", kept).getStatusCode().value()).isEqualTo(204);
		}
	}

	@Test
	void principalWithoutANameIsRefusedAsUnauthorized() {
		for (String token : List.of("nameless", "token-")) {
			try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
				client.send("{\"type\":\"auth\",\"token\":\"" + token + "\",\"capabilities\":[\"chat:x\"]}");
				assertThat(client.awaitClose().code()).isEqualTo(4001);
			}
			assertThat(sseStatus("token=" + token + "&channels=chat:x")).isEqualTo(401);
			ResponseEntity<String> ack = ack(token, id());
			assertThat(ack.getStatusCode().value()).isEqualTo(401);
			assertThat(ack.getBody()).contains("\"code\":\"unauthorized\"");
		}
	}

	@Test
	void sseStreamWhoseHandshakeFailsAnswers500AndLeavesNothingBehind() {
		String clientId = id();
		String channel = "chat:" + clientId;
		ResponseEntity<String> response;
		PushTestApplication.failExpiryLookups = true;
		try {
			response = WebClient.create("http://localhost:" + this.port)
				.get()
				.uri("/rps/sse?token=token-broken-expiry&client_id=" + clientId + "&channels=" + channel)
				.accept(MediaType.TEXT_EVENT_STREAM)
				.exchangeToMono((answer) -> answer.toEntity(String.class))
				.block(WAIT);
		}
		finally {
			PushTestApplication.failExpiryLookups = false;
		}
		assertThat(response.getStatusCode().value()).isEqualTo(500);
		assertThat(response.getBody()).contains("\"code\":\"internal\"");
		assertLeftClean(clientId, channel, "token-broken-expiry");
	}

	@Test
	void webSocketHandshakeThatFailsAnswersInternalAndLeavesNothingBehind() {
		String clientId = id();
		String channel = "chat:" + clientId;
		PushTestApplication.failExpiryLookups = true;
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"token-broken-expiry\",\"client_id\":\"" + clientId
					+ "\",\"capabilities\":[\"" + channel + "\"]}");
			JsonNode error = client.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("internal");
			assertThat(client.expect("goodbye").path("reason").asString()).isEqualTo("shutdown");
			assertThat(client.awaitClose().code()).isEqualTo(1001);
		}
		finally {
			PushTestApplication.failExpiryLookups = false;
		}
		assertLeftClean(clientId, channel, "token-broken-expiry");
	}

	@Test
	void sseCapabilityWhoseAuthorizerFailsIsAnInternalErrorAndTheOthersAreGranted() {
		String clientId = id();
		String channel = "chat:" + clientId;
		try (TestSseClient sse = TestSseClient.connect(this.port,
				"token=token-paul&client_id=" + clientId + "&channels=" + channel + ",boom:x")) {
			JsonNode ok = sse.expectSystem("auth_ok");
			assertThat(ok.path("epochs").has(channel)).isTrue();
			assertThat(ok.path("epochs").has("boom:x")).isFalse();
			JsonNode error = sse.expectSystem("error");
			assertThat(error.path("code").asString()).isEqualTo("internal");
			assertThat(error.path("channel").asString()).isEqualTo("boom:x");
		}
		assertLeftClean(clientId, channel, "token-paul");
	}

	@Test
	void webSocketCapabilityWhoseAuthorizerFailsIsAnInternalErrorAndTheOthersAreGranted() {
		String clientId = id();
		String channel = "chat:" + clientId;
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"token-quinn\",\"client_id\":\"" + clientId
					+ "\",\"capabilities\":[\"" + channel + "\",\"boom:x\"]}");
			JsonNode ok = client.expect("auth_ok");
			assertThat(ok.path("epochs").has(channel)).isTrue();
			JsonNode error = client.expect("error");
			assertThat(error.path("code").asString()).isEqualTo("internal");
			assertThat(error.path("channel").asString()).isEqualTo("boom:x");
		}
		assertLeftClean(clientId, channel, "token-quinn");
	}

	@Test
	void sseStreamCancelledDuringItsHandshakeLeavesNothingBehind() throws InterruptedException {
		String clientId = id();
		String channel = "chat:" + clientId;
		CountDownLatch reached = this.authorizer.hold();
		TestSseClient sse = TestSseClient.connect(this.port,
				"token=token-rita&client_id=" + clientId + "&channels=" + channel + ",hold:x");
		try {
			assertThat(reached.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			assertThat(this.pushServer.session(clientId).map(PushSession::isConnected)).contains(true);
		}
		finally {
			sse.close();
		}
		awaitDetached(clientId);
		this.authorizer.release();
		assertLeftClean(clientId, channel, "token-rita");
	}

	@Test
	void webSocketClosedDuringItsHandshakeLeavesNothingBehind() throws InterruptedException {
		String clientId = id();
		String channel = "chat:" + clientId;
		CountDownLatch reached = this.authorizer.hold();
		TestWebSocketClient client = TestWebSocketClient.connect(this.port);
		try {
			client.send("{\"type\":\"auth\",\"token\":\"token-sam\",\"client_id\":\"" + clientId
					+ "\",\"capabilities\":[\"" + channel + "\",\"hold:x\"]}");
			assertThat(reached.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			assertThat(this.pushServer.session(clientId).map(PushSession::isConnected)).contains(true);
		}
		finally {
			client.close();
		}
		awaitDetached(clientId);
		this.authorizer.release();
		assertLeftClean(clientId, channel, "token-sam");
	}

	/**
	 * Nothing of a failed handshake remains: no live session, no listener, both slots
	 * free.
	 */
	private void assertLeftClean(String clientId, String channel, String token) {
		awaitDetached(clientId);
		assertThat(this.pushServer.publishTransient(channel, "probe").block(WAIT)).isZero();
		try (TestWebSocketClient first = TestWebSocketClient.connect(this.port);
				TestWebSocketClient second = TestWebSocketClient.connect(this.port)) {
			assertThat(first.auth(token, null, List.of()).path("type").asString()).isEqualTo("auth_ok");
			assertThat(second.auth(token, null, List.of()).path("type").asString()).isEqualTo("auth_ok");
		}
	}

	private void awaitDetached(String clientId) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (this.pushServer.session(clientId).map(PushSession::isConnected).orElse(false)) {
			assertThat(System.nanoTime()).as("session %s still connected", clientId).isLessThan(deadline);
			LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
		}
	}

	private ResponseEntity<String> ack(String token, String clientId) {
		return WebClient.create("http://localhost:" + this.port)
			.post()
			.uri("/rps/ack?token=" + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"client_id\":\"" + clientId + "\",\"channel\":\"chat:olga\",\"cursor\":0}")
			.exchangeToMono((response) -> response.toEntity(String.class))
			.block(WAIT);
	}

	private int sseStatus(String query) {
		return WebClient.create("http://localhost:" + this.port)
			.get()
			.uri("/rps/sse?" + query)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(WAIT);
	}

	private static String id() {
		return UUID.randomUUID().toString();
	}

	/**
	 * The declared rules, except that kind {@code boom} fails and kind {@code hold} waits
	 * until the test releases it.
	 */
	static class TestAuthorizer implements ChannelAuthorizer {

		private volatile CountDownLatch reached = new CountDownLatch(1);

		private volatile Sinks.Empty<Void> gate = Sinks.empty();

		CountDownLatch hold() {
			this.reached = new CountDownLatch(1);
			this.gate = Sinks.empty();
			return this.reached;
		}

		void release() {
			this.gate.tryEmitEmpty();
		}

		@Override
		public Mono<Boolean> canSubscribe(Principal principal, ChannelName channel, ChannelKind kind) {
			if ("boom".equals(kind.name())) {
				throw new IllegalStateException("authorizer failure");
			}
			if ("hold".equals(kind.name())) {
				CountDownLatch latch = this.reached;
				return this.gate.asMono().then(Mono.just(true)).doOnSubscribe((subscription) -> latch.countDown());
			}
			return ChannelAuthorizer.declarative().canSubscribe(principal, channel, kind);
		}

		@Override
		public Mono<Boolean> canPublish(Principal principal, ChannelName channel, ChannelKind kind) {
			return ChannelAuthorizer.declarative().canPublish(principal, channel, kind);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TestAuthorizerConfiguration {

		@Bean
		TestAuthorizer testChannelAuthorizer() {
			return new TestAuthorizer();
		}

	}

}

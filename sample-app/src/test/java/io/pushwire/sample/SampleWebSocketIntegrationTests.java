package io.pushwire.sample;

import java.net.URI;
import java.time.Duration;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the sample application's push channels, with a real WebSocket client.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class SampleWebSocketIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient client;

	@Autowired
	private JsonMapper jsonMapper;

	@Test
	void chatMessageFromTokenAuthenticatedClientIsPublishedWithSenderName() {
		String token = token("alice", "alice-pass");
		JsonNode frame = exchangeAfterAuth(token, new HttpHeaders(), chat("chat:lobby", "hello"),
				(message) -> !message.has("type") && "chat:lobby".equals(message.path("channel").asString()));
		assertThat(frame.path("cursor").asLong()).isPositive();
		assertThat(frame.path("payload").path("from").asString()).isEqualTo("alice");
		assertThat(frame.path("payload").path("text").asString()).isEqualTo("hello");
	}

	@Test
	void chatMessageFromClientAuthenticatedOnUpgradeRequestCarriesItsName() {
		HttpHeaders headers = new HttpHeaders();
		headers.setBasicAuth("bob", "bob-pass");
		JsonNode frame = exchangeAfterAuth(null, headers, chat("chat:upgrade", "hi"),
				(message) -> !message.has("type") && "chat:upgrade".equals(message.path("channel").asString()));
		assertThat(frame.path("payload").path("from").asString()).isEqualTo("bob");
	}

	@Test
	void blankChatMessageIsRefusedWithBadMessage() {
		String token = token("alice", "alice-pass");
		JsonNode error = exchangeAfterAuth(token, new HttpHeaders(), chat("chat:lobby", " "),
				(message) -> "error".equals(message.path("type").asString()));
		assertThat(error.path("code").asString()).isEqualTo("bad_message");
	}

	@Test
	void badTokenIsRefusedEvenWithValidUpgradeCredentials() {
		HttpHeaders headers = new HttpHeaders();
		headers.setBasicAuth("bob", "bob-pass");
		Sinks.One<CloseStatus> closed = Sinks.one();
		Mono<Void> connection = new ReactorNettyWebSocketClient().execute(uri(), headers, (session) -> {
			session.closeStatus().subscribe(closed::tryEmitValue);
			return session.send(Mono.just(session.textMessage(auth("not-a-valid-token", "chat:lobby"))))
				.thenMany(session.receive())
				.then();
		});
		StepVerifier.create(connection.then(closed.asMono()))
			.assertNext((status) -> assertThat(status.getCode()).isEqualTo(4001))
			.expectComplete()
			.verify(TIMEOUT);
	}

	/**
	 * Authenticate, wait for {@code auth_ok}, send a message, and return the first
	 * inbound message that matches.
	 */
	private JsonNode exchangeAfterAuth(String token, HttpHeaders headers, String message,
			Predicate<JsonNode> expected) {
		Sinks.One<JsonNode> result = Sinks.one();
		Mono<Void> connection = new ReactorNettyWebSocketClient().execute(uri(), headers, (session) -> {
			Sinks.Empty<Void> authenticated = Sinks.empty();
			Mono<Void> receive = session.receive()
				.map(WebSocketMessage::getPayloadAsText)
				.map(this.jsonMapper::readTree)
				.doOnNext((inbound) -> {
					if ("auth_ok".equals(inbound.path("type").asString())) {
						authenticated.tryEmitEmpty();
					}
				})
				.filter(expected)
				.next()
				.doOnNext(result::tryEmitValue)
				.then(Mono.defer(session::close));
			Flux<String> outbound = Flux.concat(Mono.just(auth(token, "chat:lobby", "chat:upgrade")),
					authenticated.asMono().then(Mono.just(message)));
			return Mono.when(session.send(outbound.map(session::textMessage)), receive);
		});
		JsonNode[] received = new JsonNode[1];
		StepVerifier.create(connection.then(result.asMono()))
			.consumeNextWith((inbound) -> received[0] = inbound)
			.expectComplete()
			.verify(TIMEOUT);
		return received[0];
	}

	private String auth(String token, String... channels) {
		ObjectNode auth = this.jsonMapper.createObjectNode();
		auth.put("type", "auth");
		if (token != null) {
			auth.put("token", token);
		}
		ArrayNode capabilities = auth.putArray("capabilities");
		for (String channel : channels) {
			capabilities.add(channel);
		}
		return this.jsonMapper.writeValueAsString(auth);
	}

	private String chat(String channel, String text) {
		ObjectNode frame = this.jsonMapper.createObjectNode();
		frame.put("channel", channel);
		frame.putObject("payload").put("text", text);
		return this.jsonMapper.writeValueAsString(frame);
	}

	private URI uri() {
		return URI.create("ws://localhost:" + this.port + "/rps");
	}

	private String token(String user, String password) {
		DemoController.TokenResponse response = this.client.post()
			.uri("/demo/token")
			.headers((headers) -> headers.setBasicAuth(user, password))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(DemoController.TokenResponse.class)
			.returnResult()
			.getResponseBody();
		assertThat(response).isNotNull();
		return response.token();
	}

}

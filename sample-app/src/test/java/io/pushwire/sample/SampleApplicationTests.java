package io.pushwire.sample;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;

import io.pushwire.core.Frame;
import io.pushwire.sample.DemoController.TokenResponse;
import io.pushwire.security.AuthRequest;
import io.pushwire.security.AuthValidator;
import io.pushwire.server.PushServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the sample application's HTTP endpoints and security, on a running server.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class SampleApplicationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Autowired
	private WebTestClient client;

	@Autowired
	private ReactiveJwtDecoder jwtDecoder;

	@Autowired
	private PushServer pushServer;

	@Autowired
	private AuthValidator authValidator;

	@Autowired
	private io.pushwire.server.channel.ChannelRegistry channels;

	@Test
	void chatHasPresenceAndJoinLeave() {
		assertThat(this.channels.find("chat").presence()).isTrue();
		assertThat(this.channels.find("chat").joinLeave()).isTrue();
		StepVerifier.create(this.pushServer.presence("chat:nobody-here"))
			.expectNext(java.util.List.of())
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void healthIsUpWithoutCredentials() {
		this.client.get()
			.uri("/actuator/health")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP");
	}

	@Test
	void pushwireHealthIsUpWithDetailsForSignedInUsers() {
		this.client.get()
			.uri("/actuator/health/pushwire")
			.headers(basic("alice", "alice-pass"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.status")
			.isEqualTo("UP")
			.jsonPath("$.details.connections")
			.exists();
	}

	@Test
	void pushwireEndpointNeedsCredentials() {
		this.client.get().uri("/actuator/pushwire").exchange().expectStatus().isUnauthorized();
		this.client.get().uri("/actuator/metrics").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void pushwireEndpointDescribesTheKindsToSignedInUsers() {
		this.client.get()
			.uri("/actuator/pushwire")
			.headers(basic("alice", "alice-pass"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.accepting")
			.isEqualTo(true)
			.jsonPath("$.kinds[?(@.name == 'ticker')].priority")
			.isEqualTo("low")
			.jsonPath("$.connections.total")
			.exists();
	}

	@Test
	void metricsAreExposedToSignedInUsers() {
		this.client.get()
			.uri("/actuator/metrics")
			.headers(basic("alice", "alice-pass"))
			.exchange()
			.expectStatus()
			.isOk();
	}

	@Test
	void endpointsOtherThanHealthMetricsPrometheusAndPushwireAreNotExposed() {
		this.client.get()
			.uri("/actuator/env")
			.headers(basic("alice", "alice-pass"))
			.exchange()
			.expectStatus()
			.isNotFound();
	}

	@Test
	void tokenNeedsCredentials() {
		this.client.post().uri("/demo/token").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void tokenNeedsRightPassword() {
		this.client.post()
			.uri("/demo/token")
			.headers(basic("alice", "bob-pass"))
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void issuesJwtForSignedInUser() {
		String token = token("alice", "alice-pass");
		StepVerifier.create(this.jwtDecoder.decode(token)).assertNext((jwt) -> {
			assertThat(jwt.getSubject()).isEqualTo("alice");
			assertThat(jwt.getHeaders()).containsEntry("alg", "HS256");
			assertThat(Duration.between(jwt.getIssuedAt(), jwt.getExpiresAt())).isEqualTo(Duration.ofHours(1));
			assertThat(jwt.getClaimAsStringList("roles")).containsExactly("USER");
		}).expectComplete().verify(TIMEOUT);
	}

	@Test
	void pushClientsAuthenticateWithIssuedTokenAndKeepTheirRoles() {
		String token = token("alice", "alice-pass");
		AuthRequest request = new AuthRequest(token, null, new HttpHeaders(), null);
		StepVerifier.create(this.authValidator.authenticate(request)).assertNext((principal) -> {
			assertThat(principal.getName()).isEqualTo("alice");
			assertThat(((Authentication) principal).getAuthorities()).extracting(GrantedAuthority::getAuthority)
				.containsExactly("ROLE_USER");
		}).expectComplete().verify(TIMEOUT);
	}

	@Test
	void tokenAuthenticatesLikeBasic() {
		String token = token("bob", "bob-pass");
		this.client.post()
			.uri("/demo/token")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.token")
			.isNotEmpty();
	}

	@Test
	void refusesForgedBearerToken() {
		String token = token("alice", "alice-pass");
		String forged = token.substring(0, token.length() - 4) + "AAAA";
		this.client.post()
			.uri("/demo/publish")
			.headers((headers) -> headers.setBearerAuth(forged))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"channel\":\"alerts:ops\",\"payload\":{}}")
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void publishesToInboxWithBearerToken() {
		String token = token("alice", "alice-pass");
		StepVerifier.create(this.pushServer.subscribe("inbox:bob").take(1))
			.then(() -> this.client.post()
				.uri("/demo/publish")
				.headers((headers) -> headers.setBearerAuth(token))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"channel\":\"inbox:bob\",\"payload\":{\"note\":\"hello bob\"}}")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.cursor")
				.value((Number cursor) -> assertThat(cursor.longValue()).isPositive())
				.jsonPath("$.epoch")
				.isNotEmpty())
			.assertNext((frame) -> {
				assertThat(frame.channel()).isEqualTo("inbox:bob");
				assertThat(frame.cursor()).isPositive();
				assertThat(frame.payload().get("note").asString()).isEqualTo("hello bob");
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void publishesToAlertsWithBasicCredentials() {
		StepVerifier.create(this.pushServer.subscribe("alerts:ops").take(1))
			.then(() -> this.client.post()
				.uri("/demo/publish")
				.headers(basic("bob", "bob-pass"))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"channel\":\"alerts:ops\",\"payload\":{\"level\":\"warn\"}}")
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.cursor")
				.isNumber()
				.jsonPath("$.epoch")
				.isNotEmpty())
			.assertNext((frame) -> assertThat(frame.payload().get("level").asString()).isEqualTo("warn"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void publishCursorsIncrease() {
		long first = publishedCursor("alerts:cursors");
		long second = publishedCursor("alerts:cursors");
		assertThat(second).isEqualTo(first + 1);
	}

	@Test
	void publishNeedsCredentials() {
		this.client.post()
			.uri("/demo/publish")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"channel\":\"alerts:ops\",\"payload\":{}}")
			.exchange()
			.expectStatus()
			.isUnauthorized();
	}

	@Test
	void refusesUnknownChannelKind() {
		publish("nosuchkind:x").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("unknown_channel")
			.jsonPath("$.message")
			.isNotEmpty();
	}

	@Test
	void refusesMalformedChannel() {
		publish("Not A Channel!").expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("bad_message")
			.jsonPath("$.message")
			.isNotEmpty();
	}

	@Test
	void refusesMissingChannel() {
		this.client.post()
			.uri("/demo/publish")
			.headers(basic("alice", "alice-pass"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"payload\":{}}")
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo("bad_message");
	}

	@Test
	void tickerPublishesEverySecond() {
		StepVerifier.create(this.pushServer.subscribe(TickerPublisher.CHANNEL).take(2).collectList())
			.assertNext((frames) -> {
				List<Long> seqs = frames.stream().map(Frame::payload).map((tick) -> tick.get("seq").asLong()).toList();
				assertThat(seqs.get(1)).isEqualTo(seqs.get(0) + 1);
				assertThat(frames.get(0).payload().get("at").asLong()).isPositive();
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	private WebTestClient.ResponseSpec publish(String channel) {
		return this.client.post()
			.uri("/demo/publish")
			.headers(basic("alice", "alice-pass"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"channel\":\"" + channel + "\",\"payload\":{}}")
			.exchange();
	}

	private long publishedCursor(String channel) {
		DemoController.PublishResponse response = publish(channel).expectStatus()
			.isOk()
			.expectBody(DemoController.PublishResponse.class)
			.returnResult()
			.getResponseBody();
		assertThat(response).isNotNull();
		return response.cursor();
	}

	private String token(String user, String password) {
		TokenResponse response = this.client.post()
			.uri("/demo/token")
			.headers(basic(user, password))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(TokenResponse.class)
			.returnResult()
			.getResponseBody();
		assertThat(response).isNotNull();
		return response.token();
	}

	private static Consumer<HttpHeaders> basic(String user, String password) {
		return (headers) -> headers.setBasicAuth(user, password);
	}

}

package io.pushwire.sample;

import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's {@code /actuator/prometheus}: for signed-in users only, like
 * {@code metrics} and {@code pushwire}, with pushwire's meters in Prometheus' names (what
 * {@code docs/grafana/pushwire.json} queries).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class SamplePrometheusIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Pattern ACTIVE_WEBSOCKETS = Pattern
		.compile("(?m)^pushwire_connections_active\\{[^}]*transport=\"websocket\"[^}]*} (\\S+)$");

	@LocalServerPort
	private int port;

	@Autowired
	private WebTestClient client;

	@Test
	void prometheusNeedsCredentials() {
		this.client.get().uri("/actuator/prometheus").exchange().expectStatus().isUnauthorized();
	}

	@Test
	void prometheusShowsAConnectedClientToSignedInUsers() {
		Sinks.Empty<Void> authenticated = Sinks.empty();
		HttpHeaders headers = new HttpHeaders();
		headers.setBasicAuth("alice", "alice-pass");
		Disposable connection = new ReactorNettyWebSocketClient()
			.execute(URI.create("ws://localhost:" + this.port + "/rps"), headers,
					(session) -> Mono.when(
							session.send(Mono.just(session.textMessage("{\"type\":\"auth\",\"capabilities\":[]}"))),
							session.receive().map(WebSocketMessage::getPayloadAsText).doOnNext((text) -> {
								if (text.contains("\"auth_ok\"")) {
									authenticated.tryEmitEmpty();
								}
							}).then()))
			.subscribe();
		try {
			StepVerifier.create(authenticated.asMono()).expectComplete().verify(TIMEOUT);
			String body = scrape();
			assertThat(body).contains("# TYPE pushwire_connections_active gauge", "pushwire_streams_active",
					"pushwire_streams_retained_bytes", "pushwire_queue_bytes_bucket");
			Matcher active = ACTIVE_WEBSOCKETS.matcher(body);
			assertThat(active.find()).as("pushwire_connections_active{transport=\"websocket\"} in %s", body).isTrue();
			assertThat(Double.parseDouble(active.group(1))).isGreaterThanOrEqualTo(1.0);
		}
		finally {
			connection.dispose();
		}
	}

	private String scrape() {
		return this.client.get()
			.uri("/actuator/prometheus")
			.headers((headers) -> headers.setBasicAuth("alice", "alice-pass"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
	}

}

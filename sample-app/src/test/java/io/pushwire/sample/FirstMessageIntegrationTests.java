package io.pushwire.sample;

import java.time.Duration;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's first message, sent the moment the upgrade completes, is never lost behind
 * Spring Security's filters. (Before the upgrade was moved back onto the connection's
 * event loop, about one connection in ten lost its {@code auth} here and was closed at
 * the handshake timeout.)
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FirstMessageIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void authSentRightAfterTheUpgradeIsAlwaysAnswered() {
		for (int i = 0; i < 100; i++) {
			String first = HttpClient.create()
				.websocket()
				.uri("ws://localhost:" + this.port + "/rps")
				.handle((in, out) -> out
					.sendObject(Mono.just(new TextWebSocketFrame("{\"type\":\"auth\",\"capabilities\":[\"chat:x\"]}")))
					.then()
					.thenMany(in.receive().asString().take(1)))
				.next()
				.timeout(Duration.ofSeconds(3), Mono.just("no answer within 3 s"))
				.block(Duration.ofSeconds(5));
			// No credentials: the answer to a received auth is goodbye unauthorized.
			assertThat(first).as("connection %d", i).contains("\"goodbye\"").contains("unauthorized");
		}
	}

}

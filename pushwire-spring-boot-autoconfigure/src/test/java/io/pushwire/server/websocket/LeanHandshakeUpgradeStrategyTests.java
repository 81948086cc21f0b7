package io.pushwire.server.websocket;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.socket.HandshakeInfo;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.CoreSubscriber;
import reactor.core.Scannable;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LeanHandshakeUpgradeStrategy}: what a connection keeps of its upgrade
 * on Reactor Netty.
 */
class LeanHandshakeUpgradeStrategyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void upgradesOnReactorNettyWithoutTheCheckpointThatWebFluxPutsOnTheHandler() throws Exception {
		// WebFlux's strategy: the handler's subscriber chain has the checkpoint, so the
		// check below can see one.
		assertThat(upgradeAndDescribeTheHandlersSubscribers(new ReactorNettyRequestUpgradeStrategy()))
			.anyMatch((step) -> step.contains("checkpoint"));
		List<String> lean = upgradeAndDescribeTheHandlersSubscribers(
				new LeanHandshakeUpgradeStrategy(new ReactorNettyRequestUpgradeStrategy()));
		assertThat(lean).isNotEmpty().noneMatch((step) -> step.contains("checkpoint"));
	}

	@Test
	void theHandshakeHasTheRequestsPathAndQueryAndNoCookies() throws Exception {
		CompletableFuture<HandshakeInfo> handshake = new CompletableFuture<>();
		WebSocketHandler handler = (session) -> {
			handshake.complete(session.getHandshakeInfo());
			return session.receive().then();
		};
		withServer(new LeanHandshakeUpgradeStrategy(new ReactorNettyRequestUpgradeStrategy()), handler,
				(port) -> connect(port, "/ws?format=msgpack&token=a%20b", "session=abc"));
		HandshakeInfo info = handshake.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(info.getUri()).hasToString("/ws?format=msgpack&token=a%20b");
		assertThat(info.getUri().getRawQuery()).isEqualTo("format=msgpack&token=a%20b");
		assertThat(info.getCookies()).isEmpty();
		// An AuthValidator still finds them in the headers, until the handshake ends.
		assertThat(info.getHeaders().getFirst("Cookie")).isEqualTo("session=abc");
	}

	@Test
	void upgradesWithoutAQueryShareOnePathOnlyUri() {
		LeanHandshakeUpgradeStrategy strategy = new LeanHandshakeUpgradeStrategy(
				new ReactorNettyRequestUpgradeStrategy());
		URI first = strategy.pathAndQuery(URI.create("http://127.0.0.1:8080/rps"));
		URI second = strategy.pathAndQuery(URI.create("http://127.0.0.1:8080/rps"));
		assertThat(first).hasToString("/rps").isSameAs(second);
		assertThat(strategy.pathAndQuery(URI.create("http://127.0.0.1:8080/other"))).hasToString("/other");
		assertThat(strategy.pathAndQuery(URI.create("http://127.0.0.1:8080/rps?format=cbor")))
			.hasToString("/rps?format=cbor");
	}

	/**
	 * Upgrade one connection with the strategy and describe the subscribers downstream of
	 * the handler's {@code Mono}: their class and, for those Reactor can scan, their step
	 * name (a checkpoint's names it).
	 */
	private static List<String> upgradeAndDescribeTheHandlersSubscribers(RequestUpgradeStrategy strategy)
			throws Exception {
		CompletableFuture<List<String>> steps = new CompletableFuture<>();
		WebSocketHandler handler = (session) -> new Mono<Void>() {

			@Override
			public void subscribe(CoreSubscriber<? super Void> actual) {
				List<String> described = new ArrayList<>();
				Object current = actual;
				for (int i = 0; i < 32 && current != null; i++) {
					if (current instanceof Scannable scannable) {
						described.add(scannable.stepName() + " " + current.getClass().getName());
						current = scannable.scan(Scannable.Attr.ACTUAL);
					}
					else {
						described.add(current.getClass().getName());
						current = null;
					}
				}
				steps.complete(described);
				session.receive().then().subscribe(actual);
			}

		};
		withServer(strategy, handler, (port) -> connect(port, "/ws", null));
		return steps.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	private static void withServer(RequestUpgradeStrategy strategy, WebSocketHandler handler, Client client)
			throws Exception {
		HandshakeWebSocketService service = new HandshakeWebSocketService(strategy);
		HttpHandler httpHandler = WebHttpHandlerBuilder
			.webHandler((exchange) -> service.handleRequest(exchange, handler))
			.build();
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(new ReactorHttpHandlerAdapter(httpHandler))
			.bindNow();
		try {
			client.run(server.port());
		}
		finally {
			server.disposeNow(TIMEOUT);
		}
	}

	/** Connect, let the server see the upgrade, and close. */
	private static void connect(int port, String pathAndQuery, @Nullable String cookie) throws Exception {
		HttpClient.create().headers((headers) -> {
			if (cookie != null) {
				headers.set("Cookie", cookie);
			}
		})
			.websocket()
			.uri("ws://127.0.0.1:" + port + pathAndQuery)
			.handle((in, out) -> out.sendClose())
			.then()
			.timeout(TIMEOUT)
			.toFuture()
			.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
	}

	@FunctionalInterface
	private interface Client {

		void run(int port) throws Exception;

	}

}

package io.pushwire.server.websocket;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.adapter.ReactorNettyWebSocketSession;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

import io.pushwire.server.connection.Delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link ReactorNettyAccess}: a canary for the hooks the WebSocket fast path
 * takes under WebFlux. When one of these fails after a WebFlux, Reactor Netty or Netty
 * upgrade, the fast path is gone (the server would quietly fall back on
 * {@code WebSocketSession.send}); fix the access before releasing.
 */
class ReactorNettyAccessTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@Test
	void webFluxStillHasTheProtectedGetDelegateHook() {
		assertThat(ReactorNettyAccess.isAvailable())
			.as("AbstractWebSocketSession#getDelegate(), which the WebSocket fast path calls reflectively")
			.isTrue();
	}

	@Test
	void findsTheNettyConnectionUnderTheSessionWebFluxMakesAndWritesTextAndBinaryFramesToIt() throws Exception {
		CompletableFuture<String> sessionType = new CompletableFuture<>();
		CompletableFuture<@Nullable Connection> found = new CompletableFuture<>();
		CompletableFuture<@Nullable Connection> foundWhenOff = new CompletableFuture<>();
		WebSocketHandler handler = (session) -> {
			sessionType.complete(session.getClass().getName());
			ReactorNettyAccess.fastPath(false);
			try {
				foundWhenOff.complete(ReactorNettyAccess.connection(session));
			}
			finally {
				ReactorNettyAccess.fastPath(true);
			}
			Connection connection = ReactorNettyAccess.connection(session);
			found.complete(connection);
			if (connection != null) {
				ChannelWriter writer = new ChannelWriter(connection.channel(), () -> {
				});
				writer.write(new Delivery(bytes("{\"type\":\"ping\"}"), null, true, false));
				writer.write(new Delivery(new byte[] { 0x52, 0x50, 1 }, null, true, true));
				writer.flush();
			}
			return session.receive().then();
		};
		// The upgrade as WebFlux does it on Reactor Netty, through pushwire's lean
		// handshake.
		HandshakeWebSocketService service = new HandshakeWebSocketService(
				new LeanHandshakeUpgradeStrategy(new ReactorNettyRequestUpgradeStrategy()));
		HttpHandler httpHandler = WebHttpHandlerBuilder
			.webHandler((exchange) -> service.handleRequest(exchange, handler))
			.build();
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(new ReactorHttpHandlerAdapter(httpHandler))
			.bindNow();
		try {
			CompletableFuture<List<String>> received = HttpClient.create()
				.websocket()
				.uri("ws://127.0.0.1:" + server.port() + "/ws")
				.handle((in, out) -> in.receiveFrames().take(2).map(ReactorNettyAccessTests::describe))
				.collectList()
				.timeout(TIMEOUT)
				.toFuture();
			assertThat(sessionType.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
				.isEqualTo(ReactorNettyWebSocketSession.class.getName());
			assertThat(found.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
				.as("the Netty connection under ReactorNettyWebSocketSession (getDelegate().getOutbound())")
				.isNotNull();
			assertThat(foundWhenOff.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
				.as("none with the fast path turned off for a test")
				.isNull();
			assertThat(received.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
				.containsExactly("text {\"type\":\"ping\"}", "binary 525001");
		}
		finally {
			server.disposeNow(TIMEOUT);
		}
	}

	@Test
	void aSessionOfAnotherServerHasNoNettyConnection() {
		WebSocketSession other = (WebSocketSession) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { WebSocketSession.class }, (proxy, method, args) -> null);
		assertThat(ReactorNettyAccess.connection(other)).isNull();
	}

	@Test
	void theFrameSizeFailuresOfNettyAreRecognizedByType() throws Exception {
		// The classes are referenced by type: a Netty that renamed them fails to compile,
		// and these
		// are the failures Netty's decoder and aggregator raise today.
		assertThat(Class.forName("io.netty.handler.codec.TooLongFrameException"))
			.isEqualTo(TooLongFrameException.class);
		assertThat(Class.forName("io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException"))
			.isEqualTo(CorruptedWebSocketFrameException.class);
		assertThat(ReactorNettyAccess.isFrameTooLarge(new TooLongFrameException("too long"))).isTrue();
		assertThat(ReactorNettyAccess.isFrameTooLarge(new IllegalStateException(
				new DecoderException(new io.netty.handler.codec.http.TooLongHttpContentException("too long")))))
			.isTrue();
		assertThat(ReactorNettyAccess.isFrameTooLarge(new java.io.IOException("reset"))).isFalse();
	}

	@Test
	void nettysDecoderRefusesAFrameOverItsLimitWithAFailureSeenAsTooLarge() {
		EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameDecoder(
				WebSocketDecoderConfig.newBuilder().maxFramePayloadLength(16).expectMaskedFrames(false).build()));
		// An unmasked final text frame of 100 bytes.
		byte[] frame = new byte[2 + 100];
		frame[0] = (byte) 0x81;
		frame[1] = 100;
		Throwable thrown = catchThrowable(() -> channel.writeInbound(Unpooled.wrappedBuffer(frame)));
		assertThat(thrown).isNotNull();
		assertThat(ReactorNettyAccess.isFrameTooLarge(thrown)).as("%s", thrown).isTrue();
		channel.finishAndReleaseAll();
	}

	private static String describe(WebSocketFrame frame) {
		if (frame instanceof BinaryWebSocketFrame) {
			return "binary " + ByteBufUtil.hexDump(frame.content());
		}
		return "text " + frame.content().toString(StandardCharsets.UTF_8);
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}

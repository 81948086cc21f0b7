package io.pushwire.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real WebSocket client on Reactor Netty for end-to-end tests: sends text, collects
 * what the server sends, and reports the close status.
 */
public final class TestWebSocketClient implements AutoCloseable {

	public static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private final BlockingQueue<String> received = new LinkedBlockingQueue<>();

	/** Binary messages, kept apart from text ones (binary formats, PROTOCOL.md §8.1). */
	private final BlockingQueue<byte[]> receivedBinary = new LinkedBlockingQueue<>();

	private final CompletableFuture<WebSocketCloseStatus> closeStatus = new CompletableFuture<>();

	private final Sinks.Many<WebSocketFrame> outbound = Sinks.many().unicast().onBackpressureBuffer();

	private final CompletableFuture<Void> connected = new CompletableFuture<>();

	private final Disposable connection;

	private volatile Sinks.One<Void> gate = Sinks.one();

	private volatile boolean paused;

	private final AtomicInteger pongFrames = new AtomicInteger();

	private TestWebSocketClient(int port, String path, Consumer<HttpHeaders> headers) {
		this.connection = HttpClient.create()
			// A fixed receive buffer: a client that stops reading pushes back on the
			// server at once,
			// instead of after whatever the kernel's autotuning lets through.
			.option(ChannelOption.SO_RCVBUF, 64 * 1024)
			.headers(headers)
			.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(16 * 1024 * 1024).handlePing(false).build())
			.uri("ws://localhost:" + port + path)
			.handle((in, out) -> {
				this.connected.complete(null);
				in.receiveCloseStatus().subscribe(this.closeStatus::complete);
				Mono<Void> receive = in.aggregateFrames(16 * 1024 * 1024).receiveFrames().doOnNext((frame) -> {
					if (frame instanceof PongWebSocketFrame) {
						this.pongFrames.incrementAndGet();
					}
				}).map((frame) -> {
					if (frame instanceof BinaryWebSocketFrame binary) {
						this.receivedBinary.add(ByteBufUtil.getBytes(binary.content()));
					}
					return (frame instanceof TextWebSocketFrame text) ? text.text() : "";
				})
					// While paused, no demand: Reactor Netty stops reading and TCP pushes
					// back on the server.
					.delayUntil((text) -> this.paused ? this.gate.asMono() : Mono.empty())
					.doOnNext((frame) -> {
						if (!frame.isEmpty()) {
							this.received.add(frame);
						}
					})
					.then();
				Mono<Void> send = out.sendObject(this.outbound.asFlux()).then();
				return Mono.firstWithSignal(receive, send.then(Mono.never()));
			})
			.doOnError((ex) -> {
				this.connected.completeExceptionally(ex);
				this.closeStatus.completeExceptionally(ex);
			})
			.doFinally((signal) -> this.closeStatus.complete(WebSocketCloseStatus.ABNORMAL_CLOSURE))
			.subscribe();
	}

	public static TestWebSocketClient connect(int port) {
		return connect(port, "/rps", (headers) -> {
		});
	}

	public static TestWebSocketClient connect(int port, String path, Consumer<HttpHeaders> headers) {
		TestWebSocketClient client = new TestWebSocketClient(port, path, headers);
		try {
			client.connected.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			client.close();
			throw new IllegalStateException("WebSocket connection failed", ex);
		}
		return client;
	}

	public static JsonMapper mapper() {
		return mapper;
	}

	public void send(String text) {
		this.outbound.emitNext(new TextWebSocketFrame(text), Sinks.EmitFailureHandler.busyLooping(TIMEOUT));
	}

	public void sendBinary(byte[] bytes) {
		sendFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
	}

	/**
	 * The next binary message, or {@code null} when none arrives within the timeout.
	 * @param timeout how long to wait
	 * @return the message's bytes
	 */
	public byte[] pollBinary(Duration timeout) {
		try {
			return this.receivedBinary.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Whether a text message arrived (a binary connection must get none). */
	public boolean hasText() {
		return !this.received.isEmpty();
	}

	public void sendFrame(WebSocketFrame frame) {
		this.outbound.emitNext(frame, Sinks.EmitFailureHandler.busyLooping(TIMEOUT));
	}

	public void send(Map<String, ?> message) {
		send(mapper.writeValueAsString(message));
	}

	/** Send auth and return auth_ok. */
	public JsonNode auth(String token, String clientId, List<String> capabilities) {
		ObjectNode auth = mapper.createObjectNode();
		auth.put("type", "auth");
		if (token != null) {
			auth.put("token", token);
		}
		if (clientId != null) {
			auth.put("client_id", clientId);
		}
		auth.set("capabilities", mapper.valueToTree(capabilities));
		send(auth.toString());
		return expect("auth_ok");
	}

	/** The next message, failing after the timeout. */
	public JsonNode next() {
		return next(TIMEOUT);
	}

	public JsonNode next(Duration timeout) {
		try {
			String text = this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (text == null) {
				fail("No message within " + timeout);
			}
			return mapper.readTree(text);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The next message, or {@code null} when none arrives within the timeout (for callers
	 * that collect failures instead of failing at once).
	 */
	public JsonNode poll(Duration timeout) {
		try {
			String text = this.received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return (text != null) ? mapper.readTree(text) : null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The next message that is not a ping, answering pings on the way. */
	public JsonNode nextNonPing() {
		while (true) {
			JsonNode message = next();
			if ("ping".equals(message.path("type").asString(""))) {
				send("{\"type\":\"pong\"}");
				continue;
			}
			return message;
		}
	}

	/** The next message, which must be an op of this type. */
	public JsonNode expect(String type) {
		JsonNode message = nextNonPing();
		assertThat(message.path("type").asString("")).as("message %s", message).isEqualTo(type);
		return message;
	}

	/** The next message, which must be a frame. */
	public JsonNode expectFrame() {
		JsonNode message = nextNonPing();
		assertThat(message.has("channel") && !message.has("type")).as("frame expected, got %s", message).isTrue();
		return message;
	}

	/** Frames until count frames were collected, skipping pings. */
	public List<JsonNode> frames(int count) {
		List<JsonNode> frames = new ArrayList<>();
		while (frames.size() < count) {
			frames.add(expectFrame());
		}
		return frames;
	}

	/** Nothing more arrives within the duration (pings aside). */
	public void expectSilence(Duration duration) {
		long deadline = System.nanoTime() + duration.toNanos();
		while (true) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			try {
				String text = this.received.poll(left, TimeUnit.NANOSECONDS);
				if (text != null && !text.contains("\"ping\"")) {
					fail("Expected nothing, got " + text);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * Stop reading: the client requests no more messages, so TCP pushes back on the
	 * server.
	 */
	public void pauseReading() {
		this.gate = Sinks.one();
		this.paused = true;
	}

	/** Read again after {@link #pauseReading()}. */
	public void resumeReading() {
		this.paused = false;
		this.gate.tryEmitEmpty();
	}

	public WebSocketCloseStatus awaitClose() {
		try {
			return this.closeStatus.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Connection was not closed within " + TIMEOUT, ex);
		}
	}

	/** How many WebSocket-level pong frames the server sent. */
	public int pongFrames() {
		return this.pongFrames.get();
	}

	public boolean isClosed() {
		return this.closeStatus.isDone();
	}

	@Override
	public void close() {
		this.connection.dispose();
	}

}

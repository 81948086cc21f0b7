package io.pushwire.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;

/**
 * The WebSocket transport on Reactor Netty: {@code auth} first, then text messages both
 * ways, or with a binary format ({@code ?format=msgpack} or {@code cbor}, PROTOCOL.md
 * §8.1) binary messages both ways, zstd bodies and fragments included
 * ({@link BinaryWire}). Writes go straight to the channel in the order they are made and
 * complete when Netty wrote them; reading applies backpressure, so a slow receiver slows
 * the socket rather than a buffer.
 */
final class WebSocketTransport implements Transport {

	private final HttpClient httpClient;

	private final ProtocolCodec codec;

	private final int maxMessageSize;

	private final @Nullable String basicAuth;

	private final Scheduler scheduler;

	/** The binary format, or {@code null} for JSON. */
	private final @Nullable BinaryFormat format;

	private final int fragmentSize;

	private final LongAdder fragmentsSent = new LongAdder();

	private final LongAdder fragmentsReceived = new LongAdder();

	WebSocketTransport(HttpClient httpClient, ProtocolCodec codec, int maxMessageSize, @Nullable String basicAuth,
			Scheduler scheduler) {
		this(httpClient, codec, maxMessageSize, basicAuth, scheduler, null, 0);
	}

	WebSocketTransport(HttpClient httpClient, ProtocolCodec codec, int maxMessageSize, @Nullable String basicAuth,
			Scheduler scheduler, @Nullable BinaryFormat format, int fragmentSize) {
		this.httpClient = httpClient;
		this.codec = codec;
		this.maxMessageSize = maxMessageSize;
		this.basicAuth = basicAuth;
		this.scheduler = scheduler;
		this.format = format;
		this.fragmentSize = fragmentSize;
	}

	/**
	 * How many fragments this transport sent, over all its connections.
	 * @return the number of fragments
	 */
	long fragmentsSent() {
		return this.fragmentsSent.sum();
	}

	/**
	 * How many fragments this transport received, over all its connections.
	 * @return the number of fragments
	 */
	long fragmentsReceived() {
		return this.fragmentsReceived.sum();
	}

	@Override
	public String name() {
		return "websocket";
	}

	static String webSocketUrl(String baseUrl) {
		String url = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
		if (url.startsWith("https:")) {
			return "wss:" + url.substring("https:".length());
		}
		if (url.startsWith("http:")) {
			return "ws:" + url.substring("http:".length());
		}
		return url;
	}

	static String webSocketUrl(String baseUrl, @Nullable BinaryFormat format) {
		String url = webSocketUrl(baseUrl);
		if (format == null) {
			return url;
		}
		return url + ((url.indexOf('?') < 0) ? "?" : "&") + "format=" + format.name();
	}

	@Override
	public Mono<Void> open(String baseUrl, @Nullable String token, Link.Handler handler) {
		AtomicReference<WebSocketCloseStatus> status = new AtomicReference<>();
		return this.httpClient.headers((headers) -> {
			if (token != null) {
				headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
			}
			else if (this.basicAuth != null) {
				headers.set(HttpHeaderNames.AUTHORIZATION, this.basicAuth);
			}
		})
			.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(this.maxMessageSize).build())
			.uri(webSocketUrl(baseUrl, this.format))
			.handle((in, out) -> {
				in.receiveCloseStatus().subscribe(status::set);
				AtomicReference<Channel> channel = new AtomicReference<>();
				in.withConnection((connection) -> channel.set(connection.channel()));
				BinaryWire binary = binaryWire();
				WebSocketLink link = new WebSocketLink(channel.get(), this.codec, binary);
				handler.opened(link);
				SystemOp.Auth auth = (binary != null) ? BinaryWire.announceFragments(handler.auth()) : handler.auth();
				link.write(auth).subscribe(null, (ex) -> link.close(1011, "auth not written"));
				Flux<Void> handled = (binary != null) ? Watchdog
					.watch(in.aggregateFrames(this.maxMessageSize).receiveFrames(), handler::silenceLimit,
							this.scheduler)
					.<PushMessage>handle((frame, sink) -> {
						PushMessage message = decode(binary, frame, handler);
						if (message != null) {
							sink.next(message);
						}
					})
					.concatMap(handler::onMessage, 32)
						: Watchdog
							.watch(in.aggregateFrames(this.maxMessageSize).receive().asString(), handler::silenceLimit,
									this.scheduler)
							.concatMap(handler::onMessage, 32);
				return handled.doFinally((signal) -> link.closeQuietly());
			})
			.then(Mono.<Void>defer(() -> {
				WebSocketCloseStatus received = status.get();
				return Mono
					.error((received != null) ? PushConnectionException.closed(received.code(), received.reasonText())
							: PushConnectionException.closed(PushConnectionException.ABNORMAL, ""));
			}))
			.onErrorMap((ex) -> !(ex instanceof PushConnectionException), (ex) -> {
				if (ex instanceof WebSocketClientHandshakeException refused && refused.response() != null) {
					return PushConnectionException.refused(refused.response().status().code(), "WebSocket upgrade");
				}
				return PushConnectionException.lost(ex);
			});
	}

	private @Nullable BinaryWire binaryWire() {
		BinaryFormat binary = this.format;
		if (binary == null) {
			return null;
		}
		return new BinaryWire(binary, this.maxMessageSize, this.fragmentSize,
				() -> this.scheduler.now(TimeUnit.MILLISECONDS), this.fragmentsSent, this.fragmentsReceived);
	}

	/**
	 * Read a message of a binary connection while its buffer is valid (Reactor Netty
	 * releases it once this returns). Bad input is reported and dropped: the connection
	 * stays open, as the server does for a client's bad input.
	 * @param binary the connection's binary side
	 * @param frame the WebSocket message
	 * @param handler the client side
	 * @return the decoded message, or {@code null} when there is none yet (a fragment) or
	 * it was dropped
	 */
	private static @Nullable PushMessage decode(BinaryWire binary, WebSocketFrame frame, Link.Handler handler) {
		if (!(frame instanceof BinaryWebSocketFrame)) {
			handler.onBadMessage("a text message on a " + binary.name() + " connection");
			return null;
		}
		try {
			return binary.decode(ByteBufUtil.getBytes(frame.content()));
		}
		catch (ProtocolException ex) {
			handler.onBadMessage(ex.getMessage());
			return null;
		}
	}

	/**
	 * A live WebSocket.
	 */
	static final class WebSocketLink implements Link {

		private final Channel channel;

		private final ProtocolCodec codec;

		private final @Nullable BinaryWire binary;

		WebSocketLink(Channel channel, ProtocolCodec codec, @Nullable BinaryWire binary) {
			this.channel = channel;
			this.codec = codec;
			this.binary = binary;
		}

		@Override
		public String transport() {
			return "websocket";
		}

		@Override
		public boolean duplex() {
			return true;
		}

		@Override
		public Mono<Void> write(PushMessage message) {
			BinaryWire wire = this.binary;
			if (wire != null) {
				return Mono.defer(() -> send(wire.encode(message)));
			}
			return Mono
				.defer(() -> send(new TextWebSocketFrame(Unpooled.wrappedBuffer(this.codec.encodeToUtf8(message)))));
		}

		@Override
		public Mono<Void> writeRaw(String json) {
			if (this.binary != null) {
				return Mono.defer(() -> write(this.codec.decode(json)));
			}
			return Mono.defer(() -> send(new TextWebSocketFrame(json)));
		}

		private Mono<Void> send(byte[][] messages) {
			ChannelFuture future;
			// The fragments of one message are written together, so that another
			// message's never come between them (a receiver would cope, but in order
			// is cheaper for it).
			synchronized (this) {
				for (int i = 0; i < messages.length - 1; i++) {
					this.channel.write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(messages[i])));
				}
				future = this.channel
					.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(messages[messages.length - 1])));
			}
			return completion(future);
		}

		private Mono<Void> send(TextWebSocketFrame frame) {
			ChannelFuture future;
			// One lock, so that writes from different threads reach the event loop in
			// call order.
			synchronized (this) {
				future = this.channel.writeAndFlush(frame);
			}
			return completion(future);
		}

		private static Mono<Void> completion(ChannelFuture future) {
			return Mono.create((sink) -> future.addListener((done) -> {
				if (done.isSuccess()) {
					sink.success();
				}
				else {
					sink.error(PushConnectionException.lost(done.cause()));
				}
			}));
		}

		@Override
		public void close(int code, String reason) {
			synchronized (this) {
				if (this.channel.isActive()) {
					this.channel.writeAndFlush(new CloseWebSocketFrame(code, reason))
						.addListener(ChannelFutureListener.CLOSE);
				}
			}
		}

		void closeQuietly() {
			if (this.channel.isActive()) {
				this.channel.close();
			}
		}

	}

}

package io.pushwire.client;

import java.util.concurrent.atomic.AtomicReference;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;

import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.PushMessage;

/**
 * The WebSocket transport on Reactor Netty: {@code auth} first, then text messages both
 * ways. Writes go straight to the channel in the order they are made and complete when
 * Netty wrote them; reading applies backpressure, so a slow receiver slows the socket
 * rather than a buffer.
 */
final class WebSocketTransport implements Transport {

	private final HttpClient httpClient;

	private final ProtocolCodec codec;

	private final int maxMessageSize;

	private final @Nullable String basicAuth;

	private final Scheduler scheduler;

	WebSocketTransport(HttpClient httpClient, ProtocolCodec codec, int maxMessageSize, @Nullable String basicAuth,
			Scheduler scheduler) {
		this.httpClient = httpClient;
		this.codec = codec;
		this.maxMessageSize = maxMessageSize;
		this.basicAuth = basicAuth;
		this.scheduler = scheduler;
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
			.uri(webSocketUrl(baseUrl))
			.handle((in, out) -> {
				in.receiveCloseStatus().subscribe(status::set);
				AtomicReference<Channel> channel = new AtomicReference<>();
				in.withConnection((connection) -> channel.set(connection.channel()));
				WebSocketLink link = new WebSocketLink(channel.get(), this.codec);
				handler.opened(link);
				link.write(handler.auth()).subscribe(null, (ex) -> link.close(1011, "auth not written"));
				return Watchdog
					.watch(in.aggregateFrames(this.maxMessageSize).receive().asString(), handler::silenceLimit,
							this.scheduler)
					.concatMap(handler::onMessage, 32)
					.doFinally((signal) -> link.closeQuietly());
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

	/**
	 * A live WebSocket.
	 */
	static final class WebSocketLink implements Link {

		private final Channel channel;

		private final ProtocolCodec codec;

		WebSocketLink(Channel channel, ProtocolCodec codec) {
			this.channel = channel;
			this.codec = codec;
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
			return Mono
				.defer(() -> send(new TextWebSocketFrame(Unpooled.wrappedBuffer(this.codec.encodeToUtf8(message)))));
		}

		@Override
		public Mono<Void> writeRaw(String json) {
			return Mono.defer(() -> send(new TextWebSocketFrame(json)));
		}

		private Mono<Void> send(TextWebSocketFrame frame) {
			ChannelFuture future;
			// One lock, so that writes from different threads reach the event loop in
			// call order.
			synchronized (this) {
				future = this.channel.writeAndFlush(frame);
			}
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

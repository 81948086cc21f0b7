package io.pushwire.server.sse;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.CloseReason;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;
import io.pushwire.core.WireFormat;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.ConnectionTransport;
import io.pushwire.server.connection.Delivery;
import io.pushwire.server.http.HttpSettings;
import io.pushwire.server.netty.NettyConnections;
import io.pushwire.server.stream.StoredFrame;

/**
 * One SSE stream: writes the connection's deliveries as events. Frames are default events
 * whose {@code id:} is the full resume token (every subscribed channel's
 * {@code channel=cursor@epoch}); ops are {@code event: system}; heartbeats are
 * {@code : ping} comments. A close ends the stream after its {@code goodbye} event (at
 * the credentials' expiry: {@code token_expired}, PROTOCOL.md §7.1).
 * <p>
 * SSE is a text stream: its connections always use the server's JSON codec
 * ({@link #format()}), and each event's {@code data:} is a message's JSON, shared with
 * every JSON connection.
 */
final class SseTransport implements ConnectionTransport {

	private static final byte[] EVENT_SYSTEM = "event: system\n".getBytes(StandardCharsets.UTF_8);

	private static final byte[] ID = "id: ".getBytes(StandardCharsets.UTF_8);

	private static final byte[] DATA = "data: ".getBytes(StandardCharsets.UTF_8);

	private static final byte[] END = "\n\n".getBytes(StandardCharsets.UTF_8);

	private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.UTF_8);

	private final ServerWebExchange exchange;

	private final HttpSettings settings;

	/** Written only by the single writer of the stream. */
	private final Map<String, ResumeToken.Position> positions = new LinkedHashMap<>();

	SseTransport(ServerWebExchange exchange, JsonMapper mapper, HttpSettings settings) {
		this.exchange = exchange;
		this.settings = settings;
	}

	/**
	 * Bind the connection to the response's channel (see {@link NettyConnections#bind}),
	 * before it subscribes.
	 * @param connection the connection this transport carries
	 * @param sendBuffer the socket's send buffer, 0 for the system's default
	 */
	void bind(ClientConnection connection, long sendBuffer) {
		Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(this.exchange.getResponse());
		if (nativeResponse instanceof Connection netty) {
			NettyConnections.bind(connection, netty.channel(), sendBuffer);
		}
	}

	Mono<Void> stream(ClientConnection connection, SystemOp.AuthOk ok) {
		ok.resumeCursors()
			.forEach((channel, cursor) -> this.positions.put(channel,
					new ResumeToken.Position(cursor, ok.epochs().get(channel))));
		ServerHttpResponse response = this.exchange.getResponse();
		response.getHeaders().setContentType(new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8));
		response.getHeaders().setCacheControl("no-cache");
		response.getHeaders().set("X-Accel-Buffering", "no");
		response.getHeaders().set(HttpHeaders.CONNECTION, "keep-alive");
		DataBufferFactory buffers = response.bufferFactory();
		byte[] retry = ("retry: " + this.settings.sseRetry().toMillis() + "\n\n").getBytes(StandardCharsets.UTF_8);
		Flux<DataBuffer> body = Flux
			.concat(Mono.just(buffers.wrap(retry)),
					connection.deliveries().map((delivery) -> render(buffers, delivery)))
			.doFinally((signal) -> connection.terminated());
		return response.writeWith(body);
	}

	/**
	 * One event in one array: a per-connection head ({@code event:}, {@code id:},
	 * {@code data: }), the message's JSON (encoded once, copied into each event) and the
	 * end.
	 * @param buffers the factory of the connection's buffers
	 * @param delivery the message to send as an event
	 * @return the whole event in one buffer
	 */
	private DataBuffer render(DataBufferFactory buffers, Delivery delivery) {
		if (delivery.isHeartbeat()) {
			return buffers.wrap(PING);
		}
		if (delivery.binary()) {
			throw new IllegalStateException("An SSE stream carries JSON only; a binary message was queued for it");
		}
		StoredFrame frame = delivery.frame();
		if (frame != null) {
			this.positions.put(frame.channel(), new ResumeToken.Position(frame.cursor(), frame.epoch()));
		}
		byte[] id = (delivery.op() || frame != null)
				? ResumeToken.format(this.positions).getBytes(StandardCharsets.UTF_8) : null;
		byte[] json = delivery.bytes();
		int size = (delivery.op() ? EVENT_SYSTEM.length : 0) + ((id != null) ? ID.length + id.length + 1 : 0)
				+ DATA.length + json.length + END.length;
		// One array per event: copying the JSON (a few hundred bytes) costs less than a
		// composite buffer.
		byte[] event = new byte[size];
		int at = 0;
		if (delivery.op()) {
			at = put(event, at, EVENT_SYSTEM);
		}
		if (id != null) {
			at = put(event, at, ID);
			at = put(event, at, id);
			event[at++] = '\n';
		}
		at = put(event, at, DATA);
		at = put(event, at, json);
		put(event, at, END);
		return buffers.wrap(event);
	}

	private static int put(byte[] target, int at, byte[] source) {
		System.arraycopy(source, 0, target, at, source.length);
		return at + source.length;
	}

	@Override
	public String name() {
		return "sse";
	}

	/**
	 * Always the server's JSON codec: an event stream is text.
	 * @return {@code null}, for the server's JSON codec
	 */
	@Override
	public @Nullable WireFormat format() {
		return null;
	}

	@Override
	public void heartbeat(ClientConnection connection) {
		connection.sendHeartbeat();
	}

	@Override
	public boolean expectsInbound() {
		return false;
	}

	@Override
	public void abort(CloseReason reason) {
		Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(this.exchange.getResponse());
		if (nativeResponse instanceof Connection connection) {
			connection.dispose();
		}
	}

}

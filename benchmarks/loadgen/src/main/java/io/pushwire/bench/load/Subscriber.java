package io.pushwire.bench.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;

import io.pushwire.bench.common.BenchPayload;

/**
 * One subscriber connection and what it received. Everything about the measured messages
 * (those numbered from {@code measureFrom}) is counted per subscriber, on its
 * connection's event loop, and summed by the scenario when it polls.
 */
final class Subscriber {

	private static final byte[] OP = "{\"type\"".getBytes(StandardCharsets.US_ASCII);

	private static final String PONG = "{\"type\":\"pong\"}";

	private final int index;

	private final Target target;

	private final HttpClient http;

	private final String uri;

	private final Metrics metrics;

	private final String clientId = UUID.randomUUID().toString();

	private final BitSet seen = new BitSet();

	/** Sequence numbers from here on are measured. */
	volatile long measureFrom = Long.MAX_VALUE;

	/**
	 * Whether to reconnect (and resume, where the protocol can) when the connection ends.
	 */
	volatile boolean reconnect;

	volatile boolean anyReceived;

	/** Whether this subscriber is one that stops reading for a while (scenario D). */
	volatile boolean slow;

	volatile long received;

	/** The WebSocket payload bytes of the measured messages received. */
	volatile long receivedBytes;

	volatile long duplicates;

	volatile long lastReceiptNanos;

	private volatile long lastCursor = -1;

	private volatile String epoch;

	/**
	 * An anonymous session's secret from its first auth_ok, presented again on every
	 * reconnect.
	 */
	private volatile String sessionSecret;

	private volatile Connection connection;

	private volatile boolean stopped;

	/** The token sent in {@code auth} (the sample application), or {@code null}. */
	private final String token;

	/** {@code "<channel>":}, the key of this subscriber's channel in auth_ok's maps. */
	private final String channelKey;

	/** The binary side of a pushwire subscriber with {@code --format msgpack/cbor}. */
	private final BinaryWire binary;

	Subscriber(int index, Target target, HttpClient http, String uri, Metrics metrics, String token) {
		this(index, target, http, uri, metrics, token, null);
	}

	Subscriber(int index, Target target, HttpClient http, String uri, Metrics metrics, String token,
			BinaryWire binary) {
		this.binary = binary;
		this.index = index;
		this.target = target;
		this.http = http;
		this.uri = uri;
		this.metrics = metrics;
		this.token = token;
		this.channelKey = "\"" + target.channel() + "\":";
	}

	int index() {
		return this.index;
	}

	/**
	 * Open the connection and speak the protocol's opening.
	 * @return completes when the subscriber is subscribed (as far as the protocol tells)
	 */
	Mono<Void> connect() {
		Sinks.One<Void> ready = Sinks.one();
		Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();
		open(out);
		this.http
			.websocket(reactor.netty.http.client.WebsocketClientSpec.builder().maxFramePayloadLength(1 << 20).build())
			.uri(this.uri)
			.handle((in, outbound) -> {
				in.withConnection((c) -> this.connection = c);
				int[] closeCode = { 1006 };
				in.receiveCloseStatus().subscribe((status) -> closeCode[0] = status.code());
				if (this.target == Target.RAW) {
					ready.tryEmitEmpty();
				}
				Mono<Void> receive = in.aggregateFrames(1 << 20)
					.receiveFrames()
					.doOnNext((frame) -> onFrame(frame, out, ready))
					.then();
				BinaryWire wire = this.binary;
				Mono<Void> send = (wire != null) ? outbound
					.sendObject(
							out.asFlux().map((op) -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(wire.encode(op)))))
					.then() : outbound.sendString(out.asFlux()).then();
				return Mono.when(receive.doFinally((s) -> out.tryEmitComplete()), send)
					.onErrorResume((ex) -> Mono.empty())
					.doFinally((signal) -> onClosed(closeCode[0]));
			})
			.subscribe(null, (ex) -> {
				ready.tryEmitError(ex);
				onClosed(-1);
			}, () -> ready.tryEmitEmpty());
		return ready.asMono();
	}

	/**
	 * Open a Server-Sent Events stream (PROTOCOL.md §11), resuming with
	 * {@code Last-Event-ID}.
	 * @return completes when the stream delivered {@code auth_ok}
	 */
	Mono<Void> connectSse() {
		Sinks.One<Void> ready = Sinks.one();
		StringBuilder pending = new StringBuilder();
		String lastId = this.lastEventId;
		this.http.headers((headers) -> {
			headers.set("Accept", "text/event-stream");
			if (lastId != null) {
				headers.set("Last-Event-ID", lastId);
			}
		})
			.doOnConnected((c) -> this.connection = c)
			.get()
			.uri(this.uri + "?channels=bench&client_id=" + this.clientId
					+ ((this.sessionSecret != null) ? "&session_secret=" + this.sessionSecret : ""))
			.responseContent()
			.asString(StandardCharsets.UTF_8)
			.doOnNext((chunk) -> {
				pending.append(chunk);
				int end;
				while ((end = pending.indexOf("\n\n")) >= 0) {
					String event = pending.substring(0, end);
					pending.delete(0, end + 2);
					onSseEvent(event, ready);
				}
			})
			.subscribe(null, (ex) -> {
				ready.tryEmitError(ex);
				onClosed(-1);
			}, () -> {
				ready.tryEmitEmpty();
				onClosed(1006);
			});
		return ready.asMono();
	}

	private volatile String lastEventId;

	private void onSseEvent(String event, Sinks.One<Void> ready) {
		String name = null;
		String data = null;
		for (String line : event.split("\n")) {
			if (line.startsWith("id:")) {
				this.lastEventId = line.substring(3).trim();
			}
			else if (line.startsWith("event:")) {
				name = line.substring(6).trim();
			}
			else if (line.startsWith("data:")) {
				data = line.substring(5).trim();
			}
		}
		if (data == null) {
			return;
		}
		if ("system".equals(name)) {
			onPushwireOp(data, null, ready);
			return;
		}
		Bytes.Reader message = Bytes.Reader
			.of(io.netty.buffer.Unpooled.wrappedBuffer(data.getBytes(StandardCharsets.UTF_8)));
		long cursor = message.next(Bytes.CURSOR);
		if (cursor <= this.lastCursor) {
			this.duplicates++;
			return;
		}
		this.lastCursor = cursor;
		onPayload(message, data.length());
	}

	private void open(Sinks.Many<String> out) {
		switch (this.target) {
			case PUSHWIRE, SAMPLE -> out.tryEmitNext(authMessage());
			case STOMP -> out.tryEmitNext("CONNECT\naccept-version:1.2\nhost:127.0.0.1\nheart-beat:0,0\n\n\u0000");
			default -> {
			}
		}
	}

	private String authMessage() {
		StringBuilder auth = new StringBuilder(200).append("{\"type\":\"auth\",\"client_id\":\"")
			.append(this.clientId)
			.append("\",\"capabilities\":[\"")
			.append(this.target.channel())
			.append("\"]");
		if (this.token != null) {
			auth.append(",\"token\":\"").append(this.token).append('"');
		}
		String secret = this.sessionSecret;
		if (secret != null) {
			auth.append(",\"session_secret\":\"").append(secret).append('"');
		}
		long cursor = this.lastCursor;
		String epoch = this.epoch;
		if (cursor >= 0 && epoch != null) {
			auth.append(",\"resume_cursors\":{")
				.append(this.channelKey)
				.append(cursor)
				.append("},\"resume_epochs\":{")
				.append(this.channelKey)
				.append("\"")
				.append(epoch)
				.append("\"}");
		}
		return auth.append('}').toString();
	}

	private void onFrame(WebSocketFrame frame, Sinks.Many<String> out, Sinks.One<Void> ready) {
		if (frame instanceof BinaryWebSocketFrame && this.binary != null) {
			onBinary(frame.content(), out, ready);
			return;
		}
		if (!(frame instanceof TextWebSocketFrame)) {
			return;
		}
		ByteBuf buf = frame.content();
		int size = buf.readableBytes();
		switch (this.target) {
			case PUSHWIRE, SAMPLE -> {
				if (Bytes.startsWith(buf, OP)) {
					onPushwireOp(buf.toString(StandardCharsets.UTF_8), out, ready);
				}
				else {
					Bytes.Reader message = Bytes.Reader.of(buf);
					long cursor = message.next(Bytes.CURSOR);
					if (cursor <= this.lastCursor) {
						this.duplicates++;
						return;
					}
					this.lastCursor = cursor;
					onPayload(message, size);
				}
			}
			case STOMP -> {
				byte first = buf.getByte(buf.readerIndex());
				if (first == 'M') {
					onPayload(Bytes.Reader.of(buf), size);
				}
				else if (first == 'C') {
					out.tryEmitNext("SUBSCRIBE\nid:sub-0\ndestination:/topic/bench\n\n\u0000");
					ready.tryEmitEmpty();
				}
				else if (first == 'E') {
					this.metrics.errors.increment();
				}
			}
			default -> onPayload(Bytes.Reader.of(buf), size);
		}
	}

	private void onBinary(ByteBuf buf, Sinks.Many<String> out, Sinks.One<Void> ready) {
		int size = buf.readableBytes();
		BinaryWire.Received message;
		try {
			message = this.binary.decode(buf);
		}
		catch (RuntimeException ex) {
			this.metrics.errors.increment();
			return;
		}
		if (message.op() != null) {
			onPushwireOp(message.op(), out, ready);
			return;
		}
		if (message.cursor() <= this.lastCursor) {
			this.duplicates++;
			return;
		}
		this.lastCursor = message.cursor();
		onPayload(message.seq(), message.t(), size);
	}

	private void onPushwireOp(String op, Sinks.Many<String> out, Sinks.One<Void> ready) {
		String type = Bytes.stringAfter(op, "\"type\":");
		if ("ping".equals(type) && out != null) {
			out.tryEmitNext(PONG);
		}
		else if ("auth_ok".equals(type)) {
			String secret = Bytes.stringAfter(op, "\"session_secret\":");
			if (secret != null) {
				this.sessionSecret = secret;
			}
			int epochs = op.indexOf("\"epochs\"");
			this.epoch = (epochs < 0) ? null : Bytes.stringAfter(op.substring(epochs), this.channelKey);
			int cursors = op.indexOf("\"resume_cursors\"");
			if (cursors >= 0) {
				this.lastCursor = Bytes.longAfter(op.substring(cursors), this.channelKey);
			}
			ready.tryEmitEmpty();
		}
		else if ("resume_required".equals(type)) {
			this.metrics.resumeRequired.increment();
		}
		else if ("goodbye".equals(type)) {
			String reason = Bytes.stringAfter(op, "\"reason\":");
			this.metrics.goodbyes
				.computeIfAbsent(String.valueOf(reason), (r) -> new java.util.concurrent.atomic.LongAdder())
				.increment();
		}
		else if ("error".equals(type)) {
			this.metrics.errors.increment();
		}
	}

	private void onPayload(Bytes.Reader message, int wireBytes) {
		long seq = message.next(Bytes.SEQ);
		long sent = message.next(Bytes.T);
		onPayload(seq, sent, wireBytes);
	}

	/**
	 * A payload arrived.
	 * @param seq its sequence number
	 * @param sent when it was sent, epoch microseconds
	 * @param wireBytes the WebSocket payload bytes (or SSE data bytes) of the message
	 * that carried it
	 */
	private void onPayload(long seq, long sent, int wireBytes) {
		long now = BenchPayload.epochMicros();
		this.anyReceived = true;
		this.lastReceiptNanos = System.nanoTime();
		long from = this.measureFrom;
		if (seq < from) {
			return;
		}
		int slot = (int) (seq - from);
		synchronized (this) {
			if (this.seen.get(slot)) {
				this.duplicates++;
				return;
			}
			this.seen.set(slot);
			this.received++;
			this.receivedBytes += wireBytes;
		}
		this.metrics.recordLatency(now - sent);
	}

	private void onClosed(int code) {
		if (!this.stopped) {
			(this.slow ? this.metrics.slowCloseCodes : this.metrics.closeCodes)
				.computeIfAbsent(code, (c) -> new java.util.concurrent.atomic.LongAdder())
				.increment();
		}
		if (code == 4008) {
			this.metrics.closes4008.increment();
		}
		else if (!this.stopped) {
			this.metrics.closesOther.increment();
		}
		if (this.reconnect && !this.stopped) {
			this.metrics.reconnects.increment();
			long delay = 50 + ThreadLocalRandom.current().nextLong(200);
			Schedulers.parallel().schedule(() -> {
				if (!this.stopped) {
					Mono<Void> again = (this.target == Target.SSE) ? connectSse() : connect();
					again.subscribe(null, (ex) -> this.metrics.connectFailures.increment());
				}
			}, delay, TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Count distinct measured messages below a bound.
	 * @param count the bound: messages numbered from 0 up to it, exclusive
	 * @return how many distinct messages below the bound this subscriber received
	 */
	synchronized int distinctBelow(int count) {
		return this.seen.get(0, count).cardinality();
	}

	/**
	 * Stop reading for a while: the server sees a slow consumer.
	 * @param pause how long to stop reading
	 */
	void pauseReading(Duration pause) {
		Connection c = this.connection;
		if (c == null) {
			return;
		}
		c.channel().config().setAutoRead(false);
		Schedulers.parallel().schedule(() -> {
			Connection current = this.connection;
			if (current != null) {
				current.channel().config().setAutoRead(true);
				current.channel().read();
			}
		}, pause.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Drop the TCP connection without a close handshake; reconnects if {@link #reconnect}
	 * is set.
	 */
	void drop() {
		Connection c = this.connection;
		if (c != null) {
			c.dispose();
		}
	}

	/** Close for good. */
	void stop() {
		this.stopped = true;
		this.reconnect = false;
		Connection c = this.connection;
		if (c != null) {
			c.dispose();
		}
	}

	String clientId() {
		return this.clientId;
	}

}

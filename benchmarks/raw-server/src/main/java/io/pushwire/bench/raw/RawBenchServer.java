package io.pushwire.bench.raw;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

import io.pushwire.bench.common.BenchPayload;
import io.pushwire.bench.common.BenchPublisher;
import io.pushwire.bench.common.HeapProbe;

/**
 * The ceiling of the stack: a bare Reactor Netty WebSocket broadcast at {@code /ws}. Each
 * payload is encoded once and every connection writes a view of the same bytes, as
 * pushwire does; no cursors, no priority lanes, no byte accounting, no sessions. A
 * connection that cannot keep up does not slow the others: each connection has a plain
 * Reactor buffer of {@value #BUFFER} payloads in front of its socket and drops the oldest
 * past that (no shedding, no resume).
 * <p>
 * {@code POST /publish} broadcasts its body (one message per request); {@code POST
 * /bench/publish} publishes numbered payloads from a thread of the server.
 * <p>
 * {@code java -jar raw-bench-server.jar [port]}, default 8083.
 */
public final class RawBenchServer {

	/**
	 * Payloads buffered per connection; a burst of scenario A (2,000) or all of D (5,000)
	 * fits.
	 */
	static final int BUFFER = 65536;

	private RawBenchServer() {
	}

	public static void main(String[] args) {
		int port = (args.length > 0) ? Integer.parseInt(args[0]) : 8083;
		Sinks.Many<byte[]> broadcast = Sinks.many().multicast().directBestEffort();
		Object emitting = new Object();
		BenchPublisher publisher = new BenchPublisher((payload) -> broadcast
			.emitNext(payload.toJson().getBytes(StandardCharsets.UTF_8), Sinks.EmitFailureHandler.FAIL_FAST));
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.route((routes) -> routes
				.ws("/ws",
						(in, out) -> out
							.sendObject(broadcast.asFlux()
								.onBackpressureBuffer(BUFFER, BufferOverflowStrategy.DROP_OLDEST)
								.map((json) -> new TextWebSocketFrame(Unpooled.wrappedBuffer(json))))
							.then()
							.and(in.receive().then()))
				// HTTP publishing, one message per request: the body is the payload, sent
				// as it is.
				// Requests arrive on every event loop; the sink takes one emission at a
				// time.
				.post("/publish", (request, response) -> request.receive().aggregate().asByteArray().flatMap((json) -> {
					synchronized (emitting) {
						broadcast.emitNext(json, Sinks.EmitFailureHandler.FAIL_FAST);
					}
					return response.status(204).send();
				}))
				.post("/bench/publish", (request, response) -> {
					long from = longParam(request, "from", 0);
					int count = (int) longParam(request, "count", 1);
					double rate = Double.parseDouble(param(request, "rate", "0"));
					double maxSeconds = Double.parseDouble(param(request, "max-seconds", "0"));
					BenchPayload.usePayloadBytes((int) longParam(request, "payload-bytes", 0));
					return response.header("Content-Type", "application/json")
						.sendString(Mono.fromFuture(() -> publisher.publish(from, count, rate, maxSeconds)));
				})
				.get("/bench/stats", (request, response) -> {
					boolean gc = Boolean.parseBoolean(param(request, "gc", "false"));
					return response.header("Content-Type", "application/json")
						.sendString(
								Mono.fromCallable(() -> HeapProbe.stats(gc)).subscribeOn(Schedulers.boundedElastic()));
				}))
			.bindNow(Duration.ofSeconds(10));
		System.out.println("Raw bench server listening on 127.0.0.1:" + server.port() + " pid "
				+ ProcessHandle.current().pid() + " (payload sample " + BenchPayload.now(0).toJson() + ")");
		server.onDispose().block();
	}

	private static long longParam(HttpServerRequest request, String name, long defaultValue) {
		return Long.parseLong(param(request, name, Long.toString(defaultValue)));
	}

	private static String param(HttpServerRequest request, String name, String defaultValue) {
		return new io.netty.handler.codec.http.QueryStringDecoder(request.uri()).parameters()
			.getOrDefault(name, java.util.List.of(defaultValue))
			.get(0);
	}

}

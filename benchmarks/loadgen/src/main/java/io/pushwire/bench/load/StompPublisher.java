package io.pushwire.bench.load;

import java.time.Duration;

import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

import io.pushwire.bench.common.BenchPayload;

/**
 * Publishes to the STOMP server as a STOMP client does: one WebSocket connection to
 * {@code /stomp}, {@code CONNECT}, then a {@code SEND} frame to {@code /topic/bench} per
 * message, which the simple broker hands to every subscriber of the topic.
 */
final class StompPublisher implements Publisher {

	private final Sinks.Many<String> out = Sinks.many().unicast().onBackpressureBuffer();

	/**
	 * Connect and wait for {@code CONNECTED}.
	 * @param port the STOMP server's port
	 */
	StompPublisher(int port) {
		Sinks.One<Void> connected = Sinks.one();
		this.out.tryEmitNext("CONNECT\naccept-version:1.2\nhost:127.0.0.1\nheart-beat:0,0\n\n\u0000");
		HttpClient.create()
			.websocket()
			.uri("ws://127.0.0.1:" + port + "/stomp")
			.handle((in, outbound) -> Mono.when(in.receiveFrames().doOnNext((frame) -> {
				if (frame instanceof TextWebSocketFrame text && text.text().startsWith("CONNECTED")) {
					connected.tryEmitEmpty();
				}
			}).then(), outbound.sendString(this.out.asFlux()).then()))
			.subscribe(null, connected::tryEmitError);
		connected.asMono().block(Duration.ofSeconds(30));
	}

	@Override
	public String publish(long from, int count, double rate, double maxSeconds) {
		long start = System.nanoTime();
		long deadline = (maxSeconds > 0) ? start + (long) (maxSeconds * 1e9) : Long.MAX_VALUE;
		int published = 0;
		for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
			Publisher.awaitDue(start, i, rate);
			String json = BenchPayload.now(from + i).toJson();
			String frame = "SEND\ndestination:/topic/bench\ncontent-type:application/json\ncontent-length:"
					+ json.length() + "\n\n" + json + "\u0000";
			while (this.out.tryEmitNext(frame) == Sinks.EmitResult.FAIL_NON_SERIALIZED) {
				Thread.onSpinWait();
			}
			published++;
		}
		return Publisher.summary(published, start);
	}

}

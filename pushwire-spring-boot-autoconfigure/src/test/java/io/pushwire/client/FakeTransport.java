package io.pushwire.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;

/**
 * A scripted transport: each {@code open} runs the next script (the last one repeats),
 * records the token and the {@code auth}, and collects what the client writes.
 */
final class FakeTransport implements Transport {

	private final Deque<Function<Link.Handler, Mono<Void>>> scripts = new ArrayDeque<>();

	final List<@Nullable String> tokens = new CopyOnWriteArrayList<>();

	final List<SystemOp.Auth> auths = new CopyOnWriteArrayList<>();

	final List<PushMessage> written = new CopyOnWriteArrayList<>();

	final List<String> urls = new CopyOnWriteArrayList<>();

	final List<String> closes = new CopyOnWriteArrayList<>();

	private @Nullable Function<Link.Handler, Mono<Void>> last;

	FakeTransport then(Function<Link.Handler, Mono<Void>> script) {
		this.scripts.add(script);
		return this;
	}

	static Function<Link.Handler, Mono<Void>> closeWith(int code) {
		return (handler) -> Mono.error(PushConnectionException.closed(code, ""));
	}

	@Override
	public String name() {
		return "websocket";
	}

	@Override
	public Mono<Void> open(String baseUrl, @Nullable String token, Link.Handler handler) {
		return Mono.defer(() -> {
			this.tokens.add(token);
			this.urls.add(baseUrl);
			this.auths.add(handler.auth());
			FakeLink link = new FakeLink();
			handler.opened(link);
			Function<Link.Handler, Mono<Void>> script = this.scripts.isEmpty() ? this.last : this.scripts.poll();
			this.last = script;
			// Closing the link ends the connection as a real socket would.
			return Mono.firstWithSignal(script.apply(handler), link.closed.asMono());
		});
	}

	/**
	 * Run messages through the handler, then end as given.
	 */
	static Mono<Void> play(Link.Handler handler, List<String> messages, Mono<Void> end) {
		List<Mono<Void>> steps = new ArrayList<>();
		for (String message : messages) {
			steps.add(Mono.defer(() -> handler.onMessage(message)));
		}
		return Mono.when(Mono.empty()).thenMany(reactor.core.publisher.Flux.concat(steps)).then(end);
	}

	static String authOk(String clientId, String channel, long resume, long head, String epoch) {
		return "{\"type\":\"auth_ok\",\"client_id\":\"" + clientId + "\",\"resume_cursors\":{\"" + channel + "\":"
				+ resume + "},\"heads\":{\"" + channel + "\":" + head + "},\"epochs\":{\"" + channel + "\":\"" + epoch
				+ "\"},\"heartbeat_ms\":1000,\"features\":[\"resume\"]}";
	}

	static String frame(String channel, long cursor) {
		return "{\"channel\":\"" + channel + "\",\"cursor\":" + cursor + ",\"payload\":" + cursor + "}";
	}

	final class FakeLink implements Link {

		final reactor.core.publisher.Sinks.Empty<Void> closed = reactor.core.publisher.Sinks.empty();

		@Override
		public String transport() {
			return "websocket";
		}

		@Override
		public Mono<Void> write(PushMessage message) {
			return Mono.fromRunnable(() -> FakeTransport.this.written.add(message));
		}

		@Override
		public Mono<Void> writeRaw(String json) {
			return Mono.empty();
		}

		@Override
		public boolean duplex() {
			return true;
		}

		@Override
		public void close(int code, String reason) {
			FakeTransport.this.closes.add(code + " " + reason);
			this.closed.tryEmitError(PushConnectionException.closed(code, reason));
		}

	}

}

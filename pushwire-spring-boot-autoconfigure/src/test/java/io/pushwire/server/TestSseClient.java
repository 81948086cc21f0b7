package io.pushwire.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real SSE client on WebClient for end-to-end tests.
 */
public final class TestSseClient implements AutoCloseable {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() {
	};

	private final BlockingQueue<ServerSentEvent<String>> events = new LinkedBlockingQueue<>();

	private final Disposable subscription;

	private volatile boolean completed;

	private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

	private TestSseClient(WebClient client, String uri, String lastEventId) {
		this.subscription = client.get().uri(uri).accept(MediaType.TEXT_EVENT_STREAM).headers((headers) -> {
			if (lastEventId != null) {
				headers.set("Last-Event-ID", lastEventId);
			}
		}).retrieve().bodyToFlux(EVENT).doFinally((signal) -> {
			this.completed = true;
			this.done.countDown();
		}).subscribe(this.events::add, (ex) -> {
		});
	}

	public static TestSseClient connect(int port, String query) {
		return connect(port, query, null);
	}

	public static TestSseClient connect(int port, String query, String lastEventId) {
		WebClient client = WebClient.builder().baseUrl("http://localhost:" + port).build();
		return new TestSseClient(client, "/rps/sse?" + query, lastEventId);
	}

	/** The next event with data (comments and retry-only events skipped). */
	public ServerSentEvent<String> next() {
		while (true) {
			try {
				ServerSentEvent<String> event = this.events.poll(TestWebSocketClient.TIMEOUT.toMillis(),
						TimeUnit.MILLISECONDS);
				if (event == null) {
					fail("No SSE event within " + TestWebSocketClient.TIMEOUT);
				}
				if (event.data() != null) {
					return event;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	/** The next event including retry-only and comment events. */
	public ServerSentEvent<String> nextRaw(Duration timeout) throws InterruptedException {
		ServerSentEvent<String> event = this.events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
		if (event == null) {
			fail("No SSE event within " + timeout);
		}
		return event;
	}

	public JsonNode expectSystem(String type) {
		ServerSentEvent<String> event = next();
		assertThat(event.event()).as("event %s", event).isEqualTo("system");
		JsonNode op = TestWebSocketClient.mapper().readTree(event.data());
		assertThat(op.path("type").asString()).as("op %s", op).isEqualTo(type);
		return op;
	}

	/** Frame events, each paired with its id. */
	public List<ServerSentEvent<String>> frames(int count) {
		List<ServerSentEvent<String>> frames = new ArrayList<>();
		while (frames.size() < count) {
			ServerSentEvent<String> event = next();
			assertThat(event.event()).as("frame expected, got %s", event).isNull();
			frames.add(event);
		}
		return frames;
	}

	public static JsonNode json(ServerSentEvent<String> event) {
		return TestWebSocketClient.mapper().readTree(event.data());
	}

	public boolean isCompleted() {
		return this.completed;
	}

	/** Wait for the server to end the stream, failing after the timeout. */
	public void awaitCompleted() {
		try {
			assertThat(this.done.await(TestWebSocketClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
				.as("stream ended within %s", TestWebSocketClient.TIMEOUT)
				.isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.subscription.dispose();
	}

}

package io.pushwire.bench.pushwire;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.pushwire.core.DeltaFrame;
import io.pushwire.server.PushServer;

/**
 * Bytes on the wire per delivery over real WebSocket connections, full frames against
 * {@code delta:fossil} (PROTOCOL.md §8.3): starts the benchmark server on a free port
 * with a kind {@code doc} that offers deltas, connects one JSON client that asks for
 * deltas and one that does not, publishes a 2 KB JSON document of which one field changes
 * per update, and counts the bytes of the WebSocket messages each client receives for the
 * frames (the payload of each message, as the application layer sees it; WebSocket and
 * TCP headers come on top, alike for both). The delta client rebuilds every payload and
 * checks it against what was published.
 * <p>
 * {@code main [updates]} (default 1000).
 */
public final class DeltaWireBench {

	private static final String CHANNEL = "doc:order-book-7";

	private DeltaWireBench() {
	}

	public static void main(String[] args) throws Exception {
		int updates = (args.length > 0) ? Integer.parseInt(args[0]) : 1000;
		ConfigurableApplicationContext context = SpringApplication.run(PushwireBenchServer.class, "--server.port=0",
				"--pushwire.server.channels.doc.delta=fossil", "--pushwire.server.channels.doc.subscribe=anonymous",
				"--pushwire.server.channels.doc.history-size=" + (updates + 10), "--logging.level.root=warn");
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			JsonMapper mapper = JsonMapper.builder().build();
			Receiver full = Receiver.connect(port, null);
			Receiver delta = Receiver.connect(port, "{\"" + CHANNEL + "\":\"fossil\"}");
			PushServer server = context.getBean(PushServer.class);
			Random random = new Random(1);
			ObjectNode document = document(mapper, random);
			List<JsonNode> published = new ArrayList<>();
			for (int n = 0; n <= updates; n++) {
				if (n > 0) {
					// One field of one line item changes, as an order book or a
					// dashboard.
					((ObjectNode) document.withArray("lines").get(random.nextInt(30))).put("qty", random.nextInt(1000));
				}
				published.add(document.deepCopy());
				// A copy: the server keeps the node it is given, which must not change
				// after.
				server.publish(CHANNEL, document.deepCopy()).block(Duration.ofSeconds(10));
			}
			long[] fullBytes = full.frames(updates + 1, null, mapper);
			long[] deltaBytes = delta.frames(updates + 1, published, mapper);
			// The first frame is full for both; the updates after it are what deltas
			// save.
			long fullUpdates = fullBytes[0] - fullBytes[1];
			long deltaUpdates = deltaBytes[0] - deltaBytes[1];
			System.out.printf("document: %d bytes of JSON; %d updates after the first frame, one field each%n",
					mapper.writeValueAsBytes(document).length, updates);
			System.out.printf("first frame: %d bytes (full for both clients)%n", fullBytes[1]);
			System.out.printf("full frames:  %d bytes, %.0f per delivery%n", fullUpdates,
					(double) fullUpdates / updates);
			System.out.printf("delta frames: %d bytes, %.0f per delivery (%d deltas applied and checked)%n",
					deltaUpdates, (double) deltaUpdates / updates, deltaBytes[2]);
			System.out.printf("ratio: %.1fx fewer bytes per update with delta:fossil%n",
					(double) fullUpdates / deltaUpdates);
			full.close();
			delta.close();
		}
		finally {
			context.close();
		}
	}

	private static ObjectNode document(JsonMapper mapper, Random random) {
		ObjectNode document = mapper.createObjectNode();
		document.put("id", "order-book-7");
		document.put("currency", "EUR");
		ArrayNode lines = document.putArray("lines");
		for (int i = 0; i < 30; i++) {
			ObjectNode line = lines.addObject();
			line.put("sku", "SKU-" + (10_000 + random.nextInt(90_000)));
			line.put("name", "Item number " + i);
			line.put("qty", random.nextInt(1000));
			line.put("price", Math.round(random.nextDouble() * 10_000) / 100.0);
		}
		return document;
	}

	/** A raw WebSocket client that keeps every text message it receives. */
	private static final class Receiver {

		private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

		private Disposable connection;

		static Receiver connect(int port, String delta) throws InterruptedException {
			Receiver receiver = new Receiver();
			String auth = "{\"type\":\"auth\",\"capabilities\":[\"" + CHANNEL + "\"]"
					+ ((delta != null) ? ",\"delta\":" + delta : "") + "}";
			receiver.connection = HttpClient.create()
				.websocket()
				.uri("ws://127.0.0.1:" + port + "/rps")
				.handle((in, out) -> out.sendString(Mono.just(auth))
					.then()
					.and(in.receive().asString(StandardCharsets.UTF_8).doOnNext(receiver.messages::add)))
				.subscribe();
			String ok = receiver.messages.poll(10, TimeUnit.SECONDS);
			if (ok == null || !ok.contains("\"auth_ok\"")) {
				throw new IllegalStateException("No auth_ok: " + ok);
			}
			return receiver;
		}

		/**
		 * Read the frames.
		 * @param count how many
		 * @param published what was published, to check the rebuilt payloads against;
		 * {@code null} for a client without deltas
		 * @param mapper reads the frames
		 * @return the bytes of all frames, of the first frame, and the deltas applied
		 */
		long[] frames(int count, List<JsonNode> published, JsonMapper mapper) throws InterruptedException {
			long total = 0;
			long first = 0;
			long applied = 0;
			byte[] base = null;
			int received = 0;
			while (received < count) {
				String message = this.messages.poll(30, TimeUnit.SECONDS);
				if (message == null) {
					throw new IllegalStateException("Only " + received + " of " + count + " frames arrived");
				}
				if (message.startsWith("{\"type\"")) {
					continue;
				}
				int size = message.getBytes(StandardCharsets.UTF_8).length;
				total += size;
				if (received == 0) {
					first = size;
				}
				if (published != null) {
					JsonNode frame = mapper.readTree(message);
					byte[] payload;
					if (frame.has("delta")) {
						JsonNode delta = frame.get("delta");
						payload = new DeltaFrame.Delta(delta.get("base").asLong(), delta.get("fossil").asString(),
								delta.get("sha256").asString())
							.apply(base, 1 << 20);
						applied++;
					}
					else {
						payload = mapper.writeValueAsBytes(frame.get("payload"));
					}
					if (!mapper.readTree(payload).equals(published.get(received))) {
						throw new IllegalStateException("Frame " + (received + 1) + " is not what was published");
					}
					base = payload;
				}
				received++;
			}
			return new long[] { total, first, applied };
		}

		void close() {
			this.connection.dispose();
		}

	}

}

package io.pushwire.bench.client;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;

import io.pushwire.client.PushClient;
import io.pushwire.client.PushClientEvent;
import io.pushwire.client.PushFrame;
import io.pushwire.client.TransportPreference;

/**
 * One {@link PushClient} subscribed to the benchmark server's channel {@code bench}:
 * after a warm-up burst, asks the server ({@code POST /bench/publish}) for
 * {@code --frames} numbered frames and measures the time from that request to the last
 * frame, the frames lost or seen twice (by the payload's sequence number), the latency
 * (payload timestamp to delivery, both processes on one clock) and this process's CPU
 * time ({@code OperatingSystemMXBean.getProcessCpuTime}, every thread: event loop,
 * decoding, the application's subscriber, GC, JIT) per frame.
 * <p>
 * The subscriber does what a minimal application does: reads the payload's {@code seq}
 * and {@code t} from the decoded {@link JsonNode}. {@code --name value} options:
 * {@code port} (8081), {@code frames} (200000), {@code warmup} (50000), {@code rate} (0:
 * as fast as the server publishes), {@code transport} ({@code ws-only}),
 * {@code timeout-s} (120), {@code out} (a file for {@code key=value} results).
 */
public final class ClientBench {

	private final BitSet seen = new BitSet();

	private final long[] latencyMicros;

	private final long warmup;

	private final long total;

	private volatile long received;

	private volatile long duplicates;

	private volatile long outOfRange;

	private volatile long lastFrameNanos;

	private ClientBench(long warmup, int frames) {
		this.warmup = warmup;
		this.total = warmup + frames;
		this.latencyMicros = new long[frames];
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> options = options(args);
		int port = Integer.parseInt(options.getOrDefault("port", "8081"));
		int frames = Integer.parseInt(options.getOrDefault("frames", "200000"));
		int warmup = Integer.parseInt(options.getOrDefault("warmup", "50000"));
		double rate = Double.parseDouble(options.getOrDefault("rate", "0"));
		long timeoutNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(options.getOrDefault("timeout-s", "120")));
		TransportPreference transport = TransportPreference
			.valueOf(options.getOrDefault("transport", "ws-only").toUpperCase(Locale.ROOT).replace('-', '_'));
		ClientBench bench = new ClientBench(warmup, frames);
		Map<String, Object> results = bench.run(port, frames, warmup, rate, transport, timeoutNanos);
		StringBuilder out = new StringBuilder();
		results.forEach((key, value) -> out.append(key).append('=').append(value).append('\n'));
		System.out.print(out);
		if (options.containsKey("out")) {
			Files.writeString(Path.of(options.get("out")), out, StandardCharsets.UTF_8);
		}
		// Reactor Netty's event loops are not daemon threads.
		System.exit(0);
	}

	private Map<String, Object> run(int port, int frames, int warmup, double rate, TransportPreference transport,
			long timeoutNanos) throws Exception {
		PushClient client = PushClient.builder()
			.baseUrl("http://127.0.0.1:" + port + "/rps")
			.channels("bench")
			.transport(transport)
			.build();
		long[] reconnects = new long[1];
		long start = System.nanoTime();
		Disposable events = client.events().subscribe((event) -> {
			if (event instanceof PushClientEvent.Disconnected) {
				reconnects[0]++;
			}
			// Every event but the frames: a reconnect, gap or error during a run shows in
			// its log.
			System.err.printf(Locale.ROOT, "%.3f s %s received=%d%n", (System.nanoTime() - start) / 1e9, event,
					this.received);
		});
		Disposable subscription = client.frames()
			.subscribe(this::onFrame, (ex) -> System.err.println("frames() failed: " + ex));
		client.connect().block(Duration.ofSeconds(30));
		HttpClient http = HttpClient.newHttpClient();

		publish(http, port, 0, warmup, 0);
		awaitReceived(warmup, timeoutNanos);

		long cpu0 = processCpuNanos();
		long gc0 = gcMillis();
		long t0 = System.nanoTime();
		String summary = publish(http, port, warmup, frames, rate);
		long published = System.nanoTime();
		boolean complete = awaitReceived(this.total, timeoutNanos);
		long end = complete ? this.lastFrameNanos : System.nanoTime();
		long cpu = processCpuNanos() - cpu0;
		long gc = gcMillis() - gc0;

		long distinct;
		synchronized (this.seen) {
			distinct = this.seen.get((int) warmup, (int) this.total).cardinality();
		}
		double seconds = (end - t0) / 1e9;
		long[] latencies;
		synchronized (this.seen) {
			latencies = this.seen.get((int) warmup, (int) this.total)
				.stream()
				.mapToLong((index) -> this.latencyMicros[index])
				.sorted()
				.toArray();
		}
		Map<String, Object> results = new LinkedHashMap<>();
		results.put("transport", transport.name().toLowerCase(Locale.ROOT).replace('_', '-'));
		results.put("frames", frames);
		results.put("rate", rate);
		results.put("complete", complete);
		results.put("received", distinct);
		results.put("lost", frames - distinct);
		results.put("duplicates", this.duplicates);
		results.put("out_of_range", this.outOfRange);
		results.put("reconnects", reconnects[0]);
		results.put("elapsed_s", format(seconds));
		results.put("frames_per_s", format(distinct / seconds));
		results.put("publish_s", format((published - t0) / 1e9));
		results.put("server_publish_summary", summary);
		results.put("cpu_ms", format(cpu / 1e6));
		results.put("cpu_us_per_frame", format(cpu / 1e3 / Math.max(1, distinct)));
		results.put("cpu_cores", format(cpu / (double) (end - t0)));
		results.put("gc_ms", gc);
		results.put("latency_p50_ms", format(percentile(latencies, 0.50) / 1e3));
		results.put("latency_p99_ms", format(percentile(latencies, 0.99) / 1e3));
		results.put("latency_max_ms", format(percentile(latencies, 1.0) / 1e3));
		subscription.dispose();
		events.dispose();
		client.disconnect().block(Duration.ofSeconds(10));
		return results;
	}

	private void onFrame(PushFrame<JsonNode> frame) {
		long now = epochMicros();
		JsonNode payload = frame.payload();
		long seq = payload.path("seq").asLong(-1);
		long t = payload.path("t").asLong(0);
		if (seq < 0 || seq >= this.total) {
			this.outOfRange++;
			return;
		}
		boolean duplicate;
		synchronized (this.seen) {
			duplicate = this.seen.get((int) seq);
			this.seen.set((int) seq);
		}
		if (duplicate) {
			this.duplicates++;
			return;
		}
		if (seq >= this.warmup) {
			int index = (int) (seq - this.warmup);
			this.latencyMicros[index] = now - t;
		}
		this.lastFrameNanos = System.nanoTime();
		this.received++;
	}

	/**
	 * Wait until {@code count} distinct frames arrived, or nothing arrived for the
	 * timeout.
	 * @param count the number of distinct frames to wait for
	 * @param timeoutNanos how long without a new frame ends the wait, nanoseconds
	 * @return {@code true} if all the frames arrived, {@code false} on the timeout
	 * @throws InterruptedException if the thread is interrupted while waiting
	 */
	private boolean awaitReceived(long count, long timeoutNanos) throws InterruptedException {
		long lastCount = -1;
		long lastProgress = System.nanoTime();
		while (true) {
			long now = this.received;
			if (now >= count) {
				return true;
			}
			if (now != lastCount) {
				lastCount = now;
				lastProgress = System.nanoTime();
			}
			else if (System.nanoTime() - lastProgress > timeoutNanos) {
				return false;
			}
			// Polling costs this process a little CPU; 1 ms keeps the end time accurate
			// to a millisecond.
			Thread.sleep(1);
		}
	}

	private static String publish(HttpClient http, int port, long from, int count, double rate)
			throws IOException, InterruptedException {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create(
					"http://127.0.0.1:" + port + "/bench/publish?from=" + from + "&count=" + count + "&rate=" + rate))
			.POST(HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofMinutes(5))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("POST /bench/publish answered " + response.statusCode());
		}
		return response.body();
	}

	private static long percentile(long[] sorted, double p) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
		return sorted[Math.max(0, index)];
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static long gcMillis() {
		long total = 0;
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			total += Math.max(0, gc.getCollectionTime());
		}
		return total;
	}

	private static long epochMicros() {
		java.time.Instant now = java.time.Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
	}

	private static String format(double value) {
		return String.format(Locale.ROOT, "%.3f", value);
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> values = new HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			if (!args[i].startsWith("--")) {
				throw new IllegalArgumentException("Expected --name value pairs, got '" + args[i] + "'");
			}
			values.put(args[i].substring(2), args[i + 1]);
		}
		return values;
	}

}

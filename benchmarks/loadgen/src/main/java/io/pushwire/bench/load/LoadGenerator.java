package io.pushwire.bench.load;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.management.OperatingSystemMXBean;
import io.netty.channel.ChannelOption;
import org.HdrHistogram.Histogram;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

import io.pushwire.bench.common.BenchPayload;

/**
 * Runs one scenario against one server and prints (and writes) its figures.
 * <p>
 * {@code java -jar loadgen.jar --target pushwire|stomp|raw|sse --scenario A..F|P --pid <server pid>
 * [--port P] [--subscriber-ports P1,P2] [--connections N] [--messages M] [--rate R] [--duration S]
 * [--out file]}; defaults are the sizes of issue #5. {@code java -jar loadgen.jar summary
 *
<dir>
 * } prints medians and ratios of the result files in a directory.
 */
public final class LoadGenerator {

	/** Sequence numbers from here on are measured; lower ones are probes and warm-up. */
	static final long MEASURED = 1_000_000_000L;

	private static final long WARMUP = 1_000_000L;

	/**
	 * Warm-up passes end when the server's JIT compilers were busy for less than this
	 * many cores over a pass, so that the measured phase serves compiled code (a Spring
	 * application has far more code to compile than the raw server).
	 */
	private static final double MAX_COMPILING_CORES = 0.05;

	/** At most this many warm-up passes. */
	private static final int MAX_WARMUP_PASSES = 4;

	/**
	 * Messages published before any subscriber connects. The publish path runs once per
	 * message, not per delivery, so a burst of deliveries hardly warms it: behind HTTP
	 * and Spring Security (the sample) it is still being compiled thousands of publishes
	 * later.
	 */
	private static final int PUBLISH_WARMUP = 5_000;

	/** Messages measured in scenario P. */
	private static final int PUBLISH_MEASURED = 10_000;

	/** At most this many publish warm-up passes. */
	private static final int MAX_PUBLISH_WARMUP_PASSES = 10;

	private final Options options;

	private final Metrics metrics = new Metrics();

	private final ServerProbe server;

	/** Publishes the messages: the server itself, or over HTTP or STOMP from here. */
	private Publisher publisher;

	/** The JWT of the sample application's subscribers and publisher, or {@code null}. */
	private String token;

	private final List<Subscriber> subscribers = new ArrayList<>();

	private final Results results = new Results();

	private final AtomicLong probeSeq = new AtomicLong();

	private LoadGenerator(Options options) {
		this.options = options;
		this.server = new ServerProbe(options.port(), options.pid(), options.target() == Target.SAMPLE);
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("jfr")) {
			JfrSummary.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		if (args.length > 0 && args[0].equals("collapsed")) {
			CollapsedSummary.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		if (args.length > 0 && args[0].equals("summary")) {
			Summary.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		Options options = Options.parse(args);
		new LoadGenerator(options).run();
		System.exit(0);
	}

	private void run() throws Exception {
		Options o = this.options;
		System.out.println("Scenario " + o.scenario() + " against " + o.target() + " on port " + o.port() + " (pid "
				+ o.pid() + "), round " + o.round());
		this.results.put("scenario", o.scenario())
			.put("target", o.target().name().toLowerCase())
			.put("round", o.round())
			.put("connections", o.connections());
		if (o.target() == Target.SAMPLE) {
			this.token = HttpPublisher.sampleToken(o.port(), "alice", "alice-pass");
		}
		this.publisher = publisher(o);
		this.results.put("publish_via", o.publish());
		LoopResources loops = LoopResources.create("loadgen", o.loops(), true);
		HttpClient http = HttpClient.newConnection().runOn(loops).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000);
		String scheme = (o.target() == Target.SSE) ? "http" : "ws";
		BinaryWire binary = BinaryWire.of(o.format());
		if (binary != null && o.target() != Target.PUSHWIRE && o.target() != Target.SAMPLE) {
			throw new IllegalArgumentException("--format " + o.format() + " is for the pushwire and sample targets");
		}
		BenchPayload.usePayloadBytes(o.payloadBytes());
		this.server.payloadBytes = o.payloadBytes();
		this.results.put("format", o.format()).put("payload_bytes", o.payloadBytes());
		String query = (binary != null) ? "?format=" + binary.name() : "";
		String uri = scheme + "://127.0.0.1:" + o.port() + o.target().path() + query;
		// Slow subscribers may get a small socket buffer, so that the server's queue (not
		// the kernel's
		// buffers) absorbs what they do not read.
		HttpClient slowHttp = (o.slowReceiveBuffer() > 0) ? http.option(ChannelOption.SO_RCVBUF, o.slowReceiveBuffer())
				: http;
		int slowEvery = slowEvery();
		String[] subscriberPorts = (o.subscriberPorts() != null) ? o.subscriberPorts().split(",")
				: new String[] { Integer.toString(o.port()) };
		for (int i = 0; i < o.connections(); i++) {
			boolean slow = slowEvery > 0 && i % slowEvery == 0;
			String nodeUri = (subscriberPorts.length == 1 && o.subscriberPorts() == null) ? uri : scheme
					+ "://127.0.0.1:" + subscriberPorts[i % subscriberPorts.length].trim() + o.target().path() + query;
			Subscriber subscriber = new Subscriber(i, o.target(), slow ? slowHttp : http, nodeUri, this.metrics,
					this.token, binary);
			subscriber.slow = slow;
			this.subscribers.add(subscriber);
		}
		switch (o.scenario()) {
			case "A", "F" -> burst();
			case "B" -> steady();
			case "C" -> idle();
			case "D" -> overload();
			case "E" -> storm();
			case "P" -> publishOnly();
			default -> throw new IllegalArgumentException(o.scenario());
		}
		this.results.put("close_codes", this.metrics.describe(this.metrics.closeCodes))
			.put("slow_close_codes", this.metrics.describe(this.metrics.slowCloseCodes))
			.put("goodbyes", this.metrics.describe(this.metrics.goodbyes))
			.put("connect_failures", this.metrics.connectFailures.sum())
			.put("errors", this.metrics.errors.sum())
			.put("server_rss_mb_end", this.server.rssBytes() / 1048576.0);
		this.subscribers.forEach(Subscriber::stop);
		this.results.write(o.out());
	}

	/**
	 * How the messages are published: {@code server} asks the server to publish them
	 * ({@code POST /bench/publish}); {@code http} publishes each from here, as another
	 * service would: {@code POST /demo/publish} with a bearer token to the sample
	 * application, {@code POST /publish} to the raw and benchmark servers, and a STOMP
	 * {@code SEND} frame to the STOMP server.
	 * @param o the options
	 * @return the publisher
	 */
	private Publisher publisher(Options o) {
		if (o.target() == Target.SAMPLE && !o.publish().equals("http")) {
			throw new IllegalArgumentException("The sample application publishes over HTTP only: use --publish http");
		}
		if (!o.publish().equals("http")) {
			return this.server;
		}
		return switch (o.target()) {
			case STOMP -> new StompPublisher(o.port());
			case SAMPLE, RAW, PUSHWIRE -> new HttpPublisher(o.port(), o.target(), this.token, o.publishConcurrency());
			case SSE -> throw new IllegalArgumentException("Scenario F publishes with --publish server");
		};
	}

	/** A and F: N subscribers, M messages as fast as the server takes them. */
	private void burst() {
		warmUpPublishing();
		connectAll(this.subscribers, "connect");
		awaitReady();
		warmUpUntilCompiled(Math.min(this.options.messages(), 500));
		measure(this.options.messages(), 0, Duration.ofSeconds(5));
	}

	/**
	 * P: the publish path alone, no subscriber: the publish warm-up, then
	 * {@value #PUBLISH_MEASURED} messages measured, as fast as the publisher's requests
	 * in flight allow; server CPU per publish.
	 */
	private void publishOnly() {
		warmUpPublishing();
		boolean profiling = this.options.out() != null && this.server.profilerStart();
		long cpu0 = this.server.cpuMillis();
		long jit0 = this.server.compilerCpuMillis();
		long ownCpu0 = ownCpuMillis();
		long t0 = System.nanoTime();
		String summary = this.publisher.publish(MEASURED, PUBLISH_MEASURED, 0);
		double seconds = (System.nanoTime() - t0) / 1e9;
		long cpu = this.server.cpuMillis() - cpu0;
		if (profiling) {
			this.server.profilerStop(this.options.out().replace(".properties", ".collapsed"));
		}
		this.results.put("messages", PUBLISH_MEASURED)
			.put("publish", summary.replace(',', ';'))
			.put("elapsed_s", seconds)
			.put("publishes_per_s", PUBLISH_MEASURED / seconds)
			.put("server_cpu_ms", cpu)
			.put("server_cpu_us_per_publish", cpu * 1000.0 / PUBLISH_MEASURED)
			.put("server_jit_cpu_ms", this.server.compilerCpuMillis() - jit0)
			.put("loadgen_cpu_ms", ownCpuMillis() - ownCpu0);
	}

	/** B: N subscribers, R messages per second for S seconds. */
	private void steady() {
		warmUpPublishing();
		connectAll(this.subscribers, "connect");
		awaitReady();
		warmUpUntilCompiled(500);
		warmUp((int) (this.options.rate() * 2), this.options.rate());
		measure((int) (this.options.rate() * this.options.durationSeconds()), this.options.rate(),
				Duration.ofSeconds(5));
	}

	/** C: memory per idle connection, live objects only. */
	private void idle() throws InterruptedException {
		ServerProbe.Stats before = this.server.stats(true);
		long rssBefore = this.server.rssBytes();
		connectAll(this.subscribers, "connect");
		awaitReady();
		Thread.sleep(3000);
		ServerProbe.Stats after = this.server.stats(true);
		long rssAfter = this.server.rssBytes();
		long ready = this.subscribers.stream().filter((s) -> s.anyReceived).count();
		int n = this.options.connections();
		this.results.put("connections_live", ready)
			.put("heap_before_mb", before.used() / 1048576.0)
			.put("heap_after_mb", after.used() / 1048576.0)
			.put("heap_per_conn_kb", (after.used() - before.used()) / 1024.0 / n)
			.put("rss_before_mb", rssBefore / 1048576.0)
			.put("rss_after_mb", rssAfter / 1048576.0)
			.put("rss_per_conn_kb", (rssAfter - rssBefore) / 1024.0 / n);
		classHistogram();
	}

	/**
	 * What the idle connections hold: {@code jcmd GC.class_histogram}, next to the
	 * results, and with {@code HEAP_DUMP=1} in the environment a heap dump of the live
	 * objects ({@code <target>-round<n>.hprof}).
	 */
	private void classHistogram() {
		if (this.options.out() == null || this.options.pid() < 0) {
			return;
		}
		try {
			Process jcmd = new ProcessBuilder("jcmd", Long.toString(this.options.pid()), "GC.class_histogram")
				.redirectErrorStream(true)
				.redirectOutput(
						java.nio.file.Path.of(this.options.out().replace(".properties", "-histogram.txt")).toFile())
				.start();
			jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
			if ("1".equals(System.getenv("HEAP_DUMP"))) {
				// Live objects only, for a look at who keeps what
				// (benchmarks/RESULTS.md).
				String dump = java.nio.file.Path.of(this.options.out().replace(".properties", ".hprof"))
					.toAbsolutePath()
					.toString();
				new ProcessBuilder("jcmd", Long.toString(this.options.pid()), "GC.heap_dump", dump)
					.redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start()
					.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
			}
		}
		catch (java.io.IOException ex) {
			System.out.println("  (no class histogram: " + ex.getMessage() + ")");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * D: more than the machine can deliver, with a share of subscribers that stop
	 * reading.
	 */
	private void overload() throws Exception {
		Options o = this.options;
		connectAll(this.subscribers, "connect");
		awaitReady();
		warmUp(100, 0);
		ServerProbe.Stats before = this.server.stats(false);
		int planned = (int) (o.rate() * o.durationSeconds());
		this.subscribers.forEach((s) -> {
			s.measureFrom = MEASURED;
			s.reconnect = true;
		});
		this.metrics.recording = true;
		long cpu0 = this.server.cpuMillis();
		long t0 = System.nanoTime();
		HeapSampler sampler = new HeapSampler(this.server);
		sampler.start();
		// A server that cannot keep up slows the publisher down; stop it at three times
		// the planned time
		// and expect what was published.
		CompletableFuture<String> publishing = CompletableFuture
			.supplyAsync(() -> this.publisher.publish(MEASURED, planned, o.rate(), o.durationSeconds() * 3.0));
		int slowEvery = slowEvery();
		if (slowEvery > 0) {
			Thread.sleep(2000);
			for (Subscriber s : this.subscribers) {
				if (s.index() % slowEvery == 0) {
					s.pauseReading(Duration.ofMillis(o.slowPauseMillis()));
				}
			}
		}
		String summary = publishing.get();
		long published = System.nanoTime();
		int count = (int) Bytes.longAfter(summary, "\"published\":");
		long end = waitDelivered(count, Duration.ofSeconds(15), Duration.ofSeconds(120));
		long cpu1 = this.server.cpuMillis();
		sampler.stop();
		ServerProbe.Stats after = this.server.stats(false);
		ServerProbe.Stats retained = this.server.stats(true);
		long delivered = delivered();
		long expected = (long) count * o.connections();
		this.results.put("planned", planned)
			.put("published", count)
			.put("publish_rate", count / ((published - t0) / 1e9))
			.put("publish_s", (published - t0) / 1e9)
			.put("deliveries", delivered)
			.put("bytes_per_delivery", (double) receivedBytes() / Math.max(1, delivered))
			.put("expected", expected)
			.put("loss", expected - delivered)
			.put("clients_complete", complete(count))
			.put("duplicates", duplicates())
			.put("caught_up_after_publish_end_s", Math.max(0, end - published) / 1e9)
			.put("closes_4008", this.metrics.closes4008.sum())
			.put("closes_other", this.metrics.closesOther.sum())
			.put("reconnects", this.metrics.reconnects.sum())
			.put("resume_required", this.metrics.resumeRequired.sum())
			.put("heap_max_used_mb", sampler.maxUsed / 1048576.0)
			.put("heap_retained_after_mb", retained.used() / 1048576.0)
			.put("full_gcs", after.fullGcs() - before.fullGcs())
			.put("young_gcs", after.youngGcs() - before.youngGcs())
			.put("young_gc_ms", after.youngGcMillis() - before.youngGcMillis())
			.put("server_cpu_ms", cpu1 - cpu0);
		putLatency();
	}

	/** E: every client drops at once, the channel moves on, every client resumes. */
	private void storm() throws Exception {
		Options o = this.options;
		connectAll(this.subscribers, "connect");
		awaitReady();
		warmUp(20, 0);
		this.subscribers.forEach(Subscriber::drop);
		Thread.sleep(1500);
		this.publisher.publish(MEASURED, o.behind(), 0);
		this.subscribers.forEach((s) -> s.measureFrom = MEASURED);
		this.metrics.recording = true;
		long cpu0 = this.server.cpuMillis();
		long ownCpu0 = ownCpuMillis();
		long t0 = System.nanoTime();
		connectAll(this.subscribers, "reconnect");
		long end = o.target().resumes() ? waitDelivered(o.behind(), Duration.ofSeconds(10), Duration.ofSeconds(60))
				: t0;
		long cpu1 = this.server.cpuMillis();
		long ownCpu1 = ownCpuMillis();
		long delivered = delivered();
		long expected = (long) o.behind() * o.connections();
		this.results.put("loadgen_cpu_ms", ownCpu1 - ownCpu0);
		this.results.put("behind", o.behind())
			.put("caught_up_s", o.target().resumes() ? (Object) ((end - t0) / 1e9) : "n/a (cannot resume)")
			.put("clients_complete", complete(o.behind()))
			.put("deliveries", delivered)
			.put("loss", expected - delivered)
			.put("duplicates", duplicates())
			.put("resume_required", this.metrics.resumeRequired.sum())
			.put("server_cpu_ms", cpu1 - cpu0);
	}

	private int slowEvery() {
		return (this.options.slowFraction() > 0) ? (int) Math.round(1 / this.options.slowFraction()) : 0;
	}

	private void connectAll(List<Subscriber> subscribers, String label) {
		long start = System.nanoTime();
		long before = this.metrics.connectFailures.sum();
		Flux.fromIterable(subscribers)
			.flatMap((s) -> ((this.options.target() == Target.SSE) ? s.connectSse() : s.connect())
				.timeout(Duration.ofSeconds(60))
				.onErrorResume((ex) -> {
					this.metrics.connectFailures.increment();
					return Mono.empty();
				}), this.options.connectConcurrency())
			.blockLast(Duration.ofMinutes(5));
		double seconds = (System.nanoTime() - start) / 1e9;
		this.results.put(label + "_s", seconds)
			.put(label + "s_per_s", subscribers.size() / seconds)
			.put(label + "_failures", this.metrics.connectFailures.sum() - before);
	}

	/**
	 * Publish single probes until every subscriber received one: only then is everyone
	 * subscribed.
	 */
	private void awaitReady() {
		long start = System.nanoTime();
		long deadline = start + Duration.ofSeconds(60).toNanos();
		long ready = 0;
		while (System.nanoTime() < deadline) {
			this.publisher.publish(this.probeSeq.getAndIncrement(), 1, 0);
			sleep(200);
			ready = this.subscribers.stream().filter((s) -> s.anyReceived).count();
			if (ready == this.subscribers.size()) {
				break;
			}
		}
		this.results.put("ready", ready).put("ready_s", (System.nanoTime() - start) / 1e9);
	}

	/**
	 * Warm the publish path before any subscriber connects, the same rule for every
	 * server: passes of {@value #PUBLISH_WARMUP} messages until the server's JIT
	 * compilers are nearly idle over a pass (or {@value #MAX_PUBLISH_WARMUP_PASSES}
	 * passes).
	 */
	private void warmUpPublishing() {
		if (this.publisher instanceof StompPublisher) {
			// Its SENDs are not answered, so a pass would not wait for the broker: 5,000
			// at once, then the next, flood the simple broker's unbounded inbound queue
			// until the heap is full and nothing is delivered any more.
			System.out.println("  publish warm-up: none (STOMP SEND frames are not answered)");
			return;
		}
		untilCompiled("publish warm-up", "publish_warmup", MAX_PUBLISH_WARMUP_PASSES,
				() -> this.publisher.publish(WARMUP + this.probeSeq.getAndAdd(PUBLISH_WARMUP), PUBLISH_WARMUP, 0));
	}

	/**
	 * The most delivery warm-up passes: {@value #MAX_WARMUP_PASSES}, but one for STOMP,
	 * whose simple broker ends up delivering nothing after a second burst in its 2 GB
	 * heap (its JIT is idle after the first: 0.01 to 0.04 cores).
	 * @return the passes
	 */
	private int maxWarmUpPasses() {
		return (this.options.target() == Target.STOMP) ? 1 : MAX_WARMUP_PASSES;
	}

	/**
	 * Warm up in bursts of {@code count} messages until the server's JIT compilers are
	 * nearly idle over a burst (or {@link #maxWarmUpPasses()} bursts), the same rule for
	 * every server.
	 * @param count the number of messages of each burst
	 */
	private void warmUpUntilCompiled(int count) {
		untilCompiled("warm-up", "warmup", maxWarmUpPasses(), () -> warmUp(count, 0));
	}

	/**
	 * Run warm-up passes until the server's JIT compilers were busy for at most
	 * {@value #MAX_COMPILING_CORES} cores over one, or {@code maxPasses} ran.
	 * @param label how a pass is printed
	 * @param key the prefix of the {@code _passes} and {@code _last_jit_cores} results
	 * @param maxPasses the most passes
	 * @param pass one pass, returning when it is done
	 */
	private void untilCompiled(String label, String key, int maxPasses, Runnable pass) {
		int passes = 0;
		double compiling;
		do {
			long jit0 = this.server.compilerCpuMillis();
			long t0 = System.nanoTime();
			pass.run();
			passes++;
			double millis = (System.nanoTime() - t0) / 1e6;
			compiling = (this.server.compilerCpuMillis() - jit0) / millis;
			System.out.printf(Locale.ROOT, "  %s pass %d in %.1f s, JIT compilers busy %.2f cores%n", label, passes,
					millis / 1000, compiling);
		}
		while (compiling > MAX_COMPILING_CORES && passes < maxPasses);
		this.results.put(key + "_passes", passes).put(key + "_last_jit_cores", compiling);
	}

	/**
	 * Let every JIT see the delivery path before measuring; wait until receiving went
	 * quiet.
	 * @param count the number of warm-up messages to publish
	 * @param rate the messages per second to publish at, or 0 for a burst
	 */
	private void warmUp(int count, double rate) {
		this.publisher.publish(WARMUP + this.probeSeq.getAndAdd(count), count, rate);
		long quietNanos = Duration.ofMillis(1000).toNanos();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			sleep(100);
			long last = this.subscribers.stream().mapToLong((s) -> s.lastReceiptNanos).max().orElse(0);
			if (System.nanoTime() - last > quietNanos) {
				break;
			}
		}
	}

	/**
	 * Publish M messages (at R per second, or as a burst) and measure their delivery.
	 * @param count the number of measured messages (M)
	 * @param rate the messages per second to publish at (R), or 0 for a burst
	 * @param idle how long without a new delivery ends the wait for the rest
	 */
	private void measure(int count, double rate, Duration idle) {
		this.subscribers.forEach((s) -> s.measureFrom = MEASURED);
		this.metrics.recording = true;
		boolean profiling = this.options.out() != null && this.server.profilerStart();
		long cpu0 = this.server.cpuMillis();
		long jit0 = this.server.compilerCpuMillis();
		long ownCpu0 = ownCpuMillis();
		long machine0 = ServerProbe.machineBusyMillis();
		long t0 = System.nanoTime();
		CompletableFuture<String> publishing = CompletableFuture
			.supplyAsync(() -> this.publisher.publish(MEASURED, count, rate));
		long end = Math.max(waitDelivered(count, idle, Duration.ofSeconds(180)), t0 + 1);
		long cpu1 = this.server.cpuMillis();
		long jit1 = this.server.compilerCpuMillis();
		long ownCpu1 = ownCpuMillis();
		long machine1 = ServerProbe.machineBusyMillis();
		if (profiling) {
			this.server.profilerStop(this.options.out().replace(".properties", ".collapsed"));
		}
		String publishSummary = publishing.join();
		long delivered = delivered();
		long expected = (long) count * this.options.connections();
		double seconds = (end - t0) / 1e9;
		this.results.put("messages", count)
			.put("rate", rate)
			.put("publish", publishSummary.replace(',', ';'))
			.put("deliveries", delivered)
			.put("bytes_per_delivery", (double) receivedBytes() / Math.max(1, delivered))
			.put("expected", expected)
			.put("loss", expected - delivered)
			.put("duplicates", duplicates())
			.put("elapsed_s", seconds)
			.put("deliveries_per_s", delivered / seconds)
			.put("server_cpu_ms", cpu1 - cpu0)
			.put("server_cpu_us_per_delivery", (cpu1 - cpu0) * 1000.0 / Math.max(1, delivered))
			.put("server_cpu_cores", (cpu1 - cpu0) / 1000.0 / seconds)
			.put("server_jit_cpu_ms", jit1 - jit0)
			.put("loadgen_cpu_ms", ownCpu1 - ownCpu0)
			// Everything else that ran meanwhile: other processes, kernel work not
			// charged to either.
			.put("other_cpu_cores", ((machine1 - machine0) - (cpu1 - cpu0) - (ownCpu1 - ownCpu0)) / 1000.0 / seconds);
		putLatency();
		ServerProbe.Stats stats = this.server.stats(false);
		this.results.put("server_heap_used_mb", stats.used() / 1048576.0).put("server_full_gcs", stats.fullGcs());
	}

	private void putLatency() {
		Histogram h = this.metrics.merged();
		this.results.put("lat_count", h.getTotalCount())
			.put("lat_p50_ms", h.getValueAtPercentile(50) / 1000.0)
			.put("lat_p90_ms", h.getValueAtPercentile(90) / 1000.0)
			.put("lat_p99_ms", h.getValueAtPercentile(99) / 1000.0)
			.put("lat_p999_ms", h.getValueAtPercentile(99.9) / 1000.0)
			.put("lat_max_ms", h.getMaxValue() / 1000.0);
	}

	/**
	 * Wait until every subscriber has every measured message, or nothing arrived for
	 * {@code idle}.
	 * @param count the number of measured messages each subscriber should receive
	 * @param idle how long without a new delivery ends the wait
	 * @param max the longest the wait may take in all
	 * @return when the last measured message arrived (nanoTime)
	 */
	private long waitDelivered(int count, Duration idle, Duration max) {
		long expected = (long) count * this.subscribers.size();
		long start = System.nanoTime();
		long lastProgress = start;
		long lastCount = -1;
		while (true) {
			sleep(20);
			long now = System.nanoTime();
			long delivered = delivered();
			if (delivered >= expected) {
				break;
			}
			if (delivered != lastCount) {
				lastCount = delivered;
				lastProgress = now;
			}
			if (now - lastProgress > idle.toNanos() || now - start > max.toNanos()) {
				break;
			}
		}
		return this.subscribers.stream().mapToLong((s) -> s.lastReceiptNanos).max().orElse(start);
	}

	/**
	 * The WebSocket payload bytes of the measured messages received (SSE: the events'
	 * data), the headers of binary messages and the protocol's JSON keys included.
	 * @return the bytes summed over subscribers
	 */
	private long receivedBytes() {
		long sum = 0;
		for (Subscriber s : this.subscribers) {
			sum += s.receivedBytes;
		}
		return sum;
	}

	private long delivered() {
		long sum = 0;
		for (Subscriber s : this.subscribers) {
			sum += s.received;
		}
		return sum;
	}

	private long duplicates() {
		long sum = 0;
		for (Subscriber s : this.subscribers) {
			sum += s.duplicates;
		}
		return sum;
	}

	private long complete(int count) {
		return this.subscribers.stream().filter((s) -> s.received >= count).count();
	}

	private static long ownCpuMillis() {
		return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Samples the server's heap while a scenario runs. */
	private static final class HeapSampler {

		private final ServerProbe server;

		/** Publishes the messages: the server itself, or over HTTP or STOMP from here. */
		private Publisher publisher;

		/**
		 * The JWT of the sample application's subscribers and publisher, or {@code null}.
		 */
		private String token;

		private volatile boolean running = true;

		private volatile long maxUsed;

		private Thread thread;

		HeapSampler(ServerProbe server) {
			this.server = server;
		}

		void start() {
			this.thread = new Thread(() -> {
				while (this.running) {
					try {
						this.maxUsed = Math.max(this.maxUsed, this.server.stats(false).used());
					}
					catch (RuntimeException ex) {
						// A busy server may answer late; the next sample counts.
					}
					sleep(250);
				}
			}, "heap-sampler");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		void stop() throws InterruptedException {
			this.running = false;
			this.thread.join(5000);
		}

	}

}

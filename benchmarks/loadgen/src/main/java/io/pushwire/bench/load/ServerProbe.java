package io.pushwire.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import reactor.netty.http.client.HttpClient;

/**
 * The server as the load generator sees it from outside: its publish trigger and heap
 * figures over HTTP, its CPU time and resident memory from {@code /proc}.
 */
final class ServerProbe implements Publisher {

	private static final long CLOCK_TICKS_PER_SECOND = 100;

	private final HttpClient http;

	private final long pid;

	/**
	 * Whether the server has no {@code /bench/stats} (the sample application), so that
	 * its heap and collector figures come from {@code jcmd}.
	 */
	private final boolean jcmd;

	/**
	 * The payload size the server publishes ({@code --payload-bytes}), 0 for standard.
	 */
	volatile int payloadBytes;

	ServerProbe(int port, long pid) {
		this(port, pid, false);
	}

	ServerProbe(int port, long pid, boolean jcmd) {
		this.http = HttpClient.create().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(400));
		this.pid = pid;
		this.jcmd = jcmd;
	}

	/**
	 * The figures of {@code /bench/stats} read with {@code jcmd}: {@code GC.run} three
	 * times (System.gc, as the benchmark servers do), {@code GC.heap_info} for the heap,
	 * {@code PerfCounter.print} for the collectors.
	 * @param fullGc whether to run full collections first
	 * @return the figures
	 */
	private Stats jcmdStats(boolean fullGc) {
		if (fullGc) {
			for (int i = 0; i < 3; i++) {
				jcmd("GC.run");
			}
		}
		String heap = jcmd("GC.heap_info");
		long committed = kilobytesAfter(heap, "total ") * 1024;
		long used = kilobytesAfter(heap, "used ") * 1024;
		String counters = jcmd("PerfCounter.print");
		double ticks = Bytes.longAfter(counters, "sun.os.hrt.frequency=");
		long youngCount = Bytes.longAfter(counters, "sun.gc.collector.0.invocations=");
		long youngTicks = Bytes.longAfter(counters, "sun.gc.collector.0.time=");
		long fullCount = Bytes.longAfter(counters, "sun.gc.collector.1.invocations=");
		long fullTicks = Bytes.longAfter(counters, "sun.gc.collector.1.time=");
		return new Stats(used, committed, youngCount, fullCount, (long) (fullTicks * 1000 / ticks),
				(long) (youngTicks * 1000 / ticks));
	}

	private static long kilobytesAfter(String text, String key) {
		int i = text.indexOf(key);
		long value = (i < 0) ? -1 : Bytes.longAfter(text.substring(i), key);
		if (value < 0) {
			throw new IllegalStateException("No '" + key + "' in " + text);
		}
		return value;
	}

	/**
	 * Start async-profiler in the server (CPU samples every {@code interval}), when the
	 * environment variable {@code PUSHWIRE_BENCH_ASPROF} names its library
	 * ({@code libasyncProfiler.so}, from Maven Central's
	 * {@code tools.profiler:async-profiler}); loaded with {@code jcmd JVMTI.agent_load}
	 * so that only the measured phase is profiled, not start-up and connecting (the
	 * options are quoted: jcmd would split them at the commas).
	 * @return whether the profiler was started
	 */
	boolean profilerStart() {
		String library = System.getenv("PUSHWIRE_BENCH_ASPROF");
		if (library == null || library.isEmpty() || this.pid < 0) {
			return false;
		}
		System.out
			.println("  " + jcmd("JVMTI.agent_load " + library + " \"start,event=cpu,interval=1ms,threads\"").trim());
		return true;
	}

	/**
	 * Stop the profiler started by {@link #profilerStart()} and write its samples in
	 * collapsed-stack form, one line per stack with the thread as the first frame.
	 * @param file where the samples go
	 */
	void profilerStop(String file) {
		String library = System.getenv("PUSHWIRE_BENCH_ASPROF");
		System.out.println("  "
				+ jcmd("JVMTI.agent_load " + library + " \"stop,threads,ann,collapsed,file=" + file + "\"").trim());
	}

	private String jcmd(String command) {
		// A busy server's attach listener may refuse the first attempts.
		String output = "";
		for (int attempt = 0; attempt < 5; attempt++) {
			output = jcmdOnce(command);
			if (!output.contains("Exception")) {
				return output;
			}
		}
		return output;
	}

	private String jcmdOnce(String command) {
		try {
			Process process = new ProcessBuilder("jcmd", Long.toString(this.pid), command).redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(),
					java.nio.charset.StandardCharsets.UTF_8);
			process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
			return output;
		}
		catch (IOException ex) {
			throw new IllegalStateException("jcmd " + command + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Publish and wait until the server handed the last payload over.
	 * @param from the sequence number of the first message
	 * @param count the number of messages to publish
	 * @param rate the messages per second to publish at, or 0 for a burst
	 * @return the server's summary of the publishing
	 */
	@Override
	public String publish(long from, int count, double rate) {
		return publish(from, count, rate, 0);
	}

	/**
	 * Publish for at most {@code maxSeconds}; the summary says how many were published.
	 * @param from the sequence number of the first message
	 * @param count the number of messages to publish
	 * @param rate the messages per second to publish at, or 0 for a burst
	 * @param maxSeconds the longest the server may publish, or 0 for no limit
	 * @return the server's summary of the publishing
	 */
	@Override
	public String publish(long from, int count, double rate, double maxSeconds) {
		return this.http.post()
			.uri("/bench/publish?from=" + from + "&count=" + count + "&rate=" + rate + "&max-seconds=" + maxSeconds
					+ "&payload-bytes=" + this.payloadBytes)
			.responseSingle((response, body) -> body.asString())
			.block(Duration.ofSeconds(420));
	}

	/**
	 * Heap and collector figures, after full collections when asked.
	 * @param fullGc whether the server runs full collections first
	 * @return the server's heap and collector figures
	 */
	Stats stats(boolean fullGc) {
		if (this.jcmd) {
			return jcmdStats(fullGc);
		}
		String json = this.http.get()
			.uri("/bench/stats?gc=" + fullGc)
			.responseSingle((response, body) -> body.asString())
			.block(Duration.ofSeconds(60));
		return new Stats(Bytes.longAfter(json, "\"used\":"), Bytes.longAfter(json, "\"committed\":"),
				Bytes.longAfter(json, "\"young_gc_count\":"), Bytes.longAfter(json, "\"full_gc_count\":"),
				Bytes.longAfter(json, "\"full_gc_ms\":"), Bytes.longAfter(json, "\"young_gc_ms\":"));
	}

	/**
	 * User plus system CPU time of the server process, milliseconds.
	 * @return the CPU time in milliseconds
	 */
	long cpuMillis() {
		return cpuMillis(this.pid);
	}

	static long cpuMillis(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			// Fields after the command name, which is in parentheses and may contain
			// spaces.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the CPU time of process " + pid, ex);
		}
	}

	/**
	 * CPU time of the server's JIT compiler threads ({@code C1 CompilerThread},
	 * {@code C2 CompilerThread}) that are alive now, milliseconds: how much of the
	 * server's CPU went to compiling rather than to serving. A compiler thread that
	 * exited takes its time along, so a difference can only understate.
	 * @return the milliseconds, or 0 without a pid
	 */
	long compilerCpuMillis() {
		if (this.pid < 0) {
			return 0;
		}
		long ticks = 0;
		try (var tasks = Files.list(Path.of("/proc/" + this.pid + "/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					String stat = Files.readString(task.resolve("stat"));
					String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
						String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
						ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
					}
				}
				catch (IOException ex) {
					// The thread exited meanwhile.
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the threads of process " + this.pid, ex);
		}
		return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
	}

	/**
	 * Busy CPU time of the whole machine (all processes and the kernel), milliseconds.
	 * @return the busy CPU time in milliseconds, summed over all cores
	 */
	static long machineBusyMillis() {
		try {
			String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
			// cpu user nice system idle iowait irq softirq steal ...
			long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
					+ Long.parseLong(f[7]) + Long.parseLong(f[8]);
			return busy * 1000 / CLOCK_TICKS_PER_SECOND;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read /proc/stat", ex);
		}
	}

	/**
	 * Resident set size of the server process, bytes.
	 * @return the resident set size in bytes, or -1 when the process does not report it
	 */
	long rssBytes() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + this.pid + "/status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
				}
			}
			return -1;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read the memory of process " + this.pid, ex);
		}
	}

	record Stats(long used, long committed, long youngGcs, long fullGcs, long fullGcMillis, long youngGcMillis) {
	}

}

package io.pushwire.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import org.openjdk.jmh.infra.Blackhole;

/**
 * The relay path of {@link RelayBenchmark} measured in CPU time of the relaying thread
 * rather than wall time, for a shared machine where a thread gets a fraction of a core:
 * relayed MB per CPU second and CPU milliseconds per relayed MB.
 * {@code java -cp … io.pushwire.bench.jmh.RelayCpu [payloadBytes] [relays]}.
 */
public final class RelayCpu {

	private RelayCpu() {
	}

	public static void main(String[] args) {
		int payloadBytes = (args.length > 0) ? Integer.parseInt(args[0]) : 1024;
		int relays = (args.length > 1) ? Integer.parseInt(args[1]) : 200_000;
		Blackhole blackhole = new Blackhole(
				"Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
		RelayBenchmark benchmark = new RelayBenchmark();
		benchmark.payloadBytes = payloadBytes;
		benchmark.setUp(blackhole);
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		try {
			for (int i = 0; i < relays / 4; i++) {
				benchmark.relay();
			}
			long cpu = threads.getCurrentThreadCpuTime();
			long wall = System.nanoTime();
			for (int i = 0; i < relays; i++) {
				benchmark.relay();
			}
			cpu = threads.getCurrentThreadCpuTime() - cpu;
			wall = System.nanoTime() - wall;
			double megabytes = (double) payloadBytes * relays / (1024 * 1024);
			System.out.printf(
					"payload %d B, %d relays: %.0f ns CPU/relay, %.1f MB per CPU second, "
							+ "%.2f ms CPU per relayed MB (wall %.1f MB/s)%n",
					payloadBytes, relays, (double) cpu / relays, megabytes / (cpu / 1e9), cpu / 1e6 / megabytes,
					megabytes / (wall / 1e9));
		}
		finally {
			benchmark.tearDown();
		}
	}

}

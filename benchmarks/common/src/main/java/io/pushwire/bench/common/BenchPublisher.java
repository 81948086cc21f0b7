package io.pushwire.bench.common;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Publishes numbered payloads on a thread of its own, either as fast as the server takes
 * them ({@code rate <= 0}) or at a steady rate. Every server uses this loop, so only the
 * server's publish call differs.
 */
public final class BenchPublisher {

	private final Consumer<BenchPayload> publish;

	private final ExecutorService thread = Executors.newSingleThreadExecutor((task) -> {
		Thread t = new Thread(task, "bench-publisher");
		t.setDaemon(true);
		return t;
	});

	/**
	 * Create a publisher.
	 * @param publish the server's publish call; must not block for long
	 */
	public BenchPublisher(Consumer<BenchPayload> publish) {
		this.publish = publish;
	}

	/**
	 * Publish {@code count} payloads numbered from {@code from}.
	 * @param from the first sequence number
	 * @param count how many
	 * @param rate payloads per second, or 0 for a burst
	 * @param maxSeconds stop after this long even if fewer were published (a server that
	 * cannot keep up slows its publisher down), 0 for no limit
	 * @return completes with a JSON summary ({@code published}, {@code elapsed_us}) once
	 * the last one was handed to the server
	 */
	public CompletableFuture<String> publish(long from, int count, double rate, double maxSeconds) {
		return CompletableFuture.supplyAsync(() -> run(from, count, rate, maxSeconds), this.thread);
	}

	private String run(long from, int count, double rate, double maxSeconds) {
		long start = System.nanoTime();
		long deadline = (maxSeconds > 0) ? start + (long) (maxSeconds * 1e9) : Long.MAX_VALUE;
		long intervalNanos = (rate > 0) ? (long) (1_000_000_000L / rate) : 0;
		int published = 0;
		for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
			if (intervalNanos > 0) {
				long due = start + i * intervalNanos;
				long wait;
				while ((wait = due - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
			}
			this.publish.accept(BenchPayload.now(from + i));
			published++;
		}
		long elapsedMicros = (System.nanoTime() - start) / 1_000;
		return "{\"published\":" + published + ",\"elapsed_us\":" + elapsedMicros + "}";
	}

}

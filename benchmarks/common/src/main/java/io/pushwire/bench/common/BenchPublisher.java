package io.pushwire.bench.common;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Publishes numbered payloads on a thread of its own, either as fast as the server takes them
 * ({@code rate <= 0}) or at a steady rate. Every server uses this loop, so only the server's publish
 * call differs.
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
	 * @return completes with a JSON summary once the last one was handed to the server
	 */
	public CompletableFuture<String> publish(long from, int count, double rate) {
		return CompletableFuture.supplyAsync(() -> run(from, count, rate), this.thread);
	}

	private String run(long from, int count, double rate) {
		long start = System.nanoTime();
		long intervalNanos = (rate > 0) ? (long) (1_000_000_000L / rate) : 0;
		for (int i = 0; i < count; i++) {
			if (intervalNanos > 0) {
				long due = start + i * intervalNanos;
				long wait;
				while ((wait = due - System.nanoTime()) > 0) {
					LockSupport.parkNanos(wait);
				}
			}
			this.publish.accept(BenchPayload.now(from + i));
		}
		long elapsedMicros = (System.nanoTime() - start) / 1_000;
		return "{\"published\":" + count + ",\"elapsed_us\":" + elapsedMicros + "}";
	}

}

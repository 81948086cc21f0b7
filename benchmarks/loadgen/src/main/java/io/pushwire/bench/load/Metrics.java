package io.pushwire.bench.load;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;

/**
 * Latency histograms, one per receiving thread so that recording never contends, merged
 * on read; and counters of rare events.
 */
final class Metrics {

	private final Queue<Histogram> histograms = new ConcurrentLinkedQueue<>();

	private final ThreadLocal<Histogram> local = ThreadLocal.withInitial(() -> {
		Histogram histogram = new Histogram(120_000_000L, 3);
		this.histograms.add(histogram);
		return histogram;
	});

	final LongAdder connects = new LongAdder();

	final LongAdder connectFailures = new LongAdder();

	final LongAdder reconnects = new LongAdder();

	final LongAdder closes4008 = new LongAdder();

	final LongAdder closesOther = new LongAdder();

	final LongAdder resumeRequired = new LongAdder();

	final LongAdder errors = new LongAdder();

	/**
	 * Close codes seen by clients (1006: the TCP connection ended without a close frame).
	 */
	final java.util.Map<Integer, LongAdder> closeCodes = new java.util.concurrent.ConcurrentSkipListMap<>();

	/** Close codes seen by the subscribers that stopped reading (scenario D). */
	final java.util.Map<Integer, LongAdder> slowCloseCodes = new java.util.concurrent.ConcurrentSkipListMap<>();

	/** Reasons of {@code goodbye} ops received (pushwire). */
	final java.util.Map<String, LongAdder> goodbyes = new java.util.concurrent.ConcurrentSkipListMap<>();

	String describe(java.util.Map<?, LongAdder> counts) {
		StringBuilder text = new StringBuilder();
		counts.forEach((key,
				count) -> text.append((text.length() > 0) ? " " : "").append(key).append(':').append(count.sum()));
		return (text.length() > 0) ? text.toString() : "none";
	}

	final AtomicLong lastError = new AtomicLong();

	volatile boolean recording;

	void recordLatency(long micros) {
		if (this.recording) {
			this.local.get().recordValue(Math.max(0, Math.min(micros, 119_000_000L)));
		}
	}

	/**
	 * Merge what every thread recorded; read once receiving has settled.
	 * @return a new histogram holding the latencies of all threads
	 */
	Histogram merged() {
		Histogram all = new Histogram(120_000_000L, 3);
		for (Histogram histogram : this.histograms) {
			synchronized (histogram) {
				all.add(histogram);
			}
		}
		return all;
	}

	void reset() {
		for (Histogram histogram : this.histograms) {
			synchronized (histogram) {
				histogram.reset();
			}
		}
	}

}

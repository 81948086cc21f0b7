package io.pushwire.bench.common;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;

/**
 * The server's memory and collector figures as JSON, the same way for every server:
 * optionally after full collections, so heap per connection compares live objects only.
 */
public final class HeapProbe {

	private HeapProbe() {
	}

	/**
	 * Read the figures.
	 * @param fullGc whether to run full collections first
	 * @return a JSON object with {@code used}, {@code committed}, {@code max} (bytes),
	 * and per collector its count and time
	 */
	public static String stats(boolean fullGc) {
		if (fullGc) {
			for (int i = 0; i < 3; i++) {
				System.gc();
			}
		}
		MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		StringBuilder json = new StringBuilder(256);
		json.append("{\"used\":")
			.append(heap.getUsed())
			.append(",\"committed\":")
			.append(heap.getCommitted())
			.append(",\"max\":")
			.append(heap.getMax());
		long youngCount = 0;
		long youngMillis = 0;
		long oldCount = 0;
		long oldMillis = 0;
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			// G1: "G1 Young Generation" (young and mixed pauses), "G1 Old Generation"
			// (full GCs),
			// "G1 Concurrent GC" (concurrent cycles, not pauses, JDK 20+).
			String name = gc.getName();
			if (name.contains("Old") || name.contains("MarkSweep")) {
				oldCount += gc.getCollectionCount();
				oldMillis += gc.getCollectionTime();
			}
			else if (!name.contains("Concurrent")) {
				youngCount += gc.getCollectionCount();
				youngMillis += gc.getCollectionTime();
			}
		}
		json.append(",\"young_gc_count\":")
			.append(youngCount)
			.append(",\"young_gc_ms\":")
			.append(youngMillis)
			.append(",\"full_gc_count\":")
			.append(oldCount)
			.append(",\"full_gc_ms\":")
			.append(oldMillis)
			.append(",\"pid\":")
			.append(ProcessHandle.current().pid())
			.append('}');
		return json.toString();
	}

}

package io.pushwire.bench.common;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchPayloadTests {

	@Test
	void writesTheJsonTheLoadGeneratorParses() {
		assertThat(new BenchPayload(7, 1234567, "x").toJson()).isEqualTo("{\"seq\":7,\"t\":1234567,\"pad\":\"x\"}");
	}

	@Test
	void publisherNumbersPayloadsFromTheFirstSequenceNumber() throws Exception {
		java.util.List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
		BenchPublisher publisher = new BenchPublisher((payload) -> seen.add(payload.seq()));
		String summary = publisher.publish(100, 3, 0, 0).get(5, TimeUnit.SECONDS);
		assertThat(seen).containsExactly(100L, 101L, 102L);
		assertThat(summary).startsWith("{\"published\":3,");
	}

	@Test
	void publisherStopsAtItsTimeLimit() throws Exception {
		BenchPublisher publisher = new BenchPublisher((payload) -> {
		});
		String summary = publisher.publish(0, 1_000_000, 1000, 0.2).get(5, TimeUnit.SECONDS);
		assertThat(summary).doesNotStartWith("{\"published\":1000000,");
	}

	@Test
	void heapProbeReportsUsedHeapAndCollectorCounts() {
		assertThat(HeapProbe.stats(false)).contains("\"used\":").contains("\"full_gc_count\":");
	}

}

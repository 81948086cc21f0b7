package io.pushwire.server.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.IntNode;

import io.pushwire.core.ProtocolCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Retention}: the bound of {@code max-retained-bytes}, and an eviction
 * whose search for the least recently published streams reads a bounded sample, not every
 * stream of the store.
 */
class RetentionTests {

	private final ProtocolCodec codec = new ProtocolCodec();

	private final MutableClock clock = new MutableClock();

	private final List<InMemoryChannelStream> streams = new ArrayList<>();

	private final AtomicInteger read = new AtomicInteger();

	@Test
	void evictionReadsASampleOfTheStreamsAndEvictsTheLeastRecentlyPublishedOfIt() {
		int count = 3 * Retention.SAMPLE;
		Retention retention = new Retention(count * frameSize(), this::counted);
		for (int i = 0; i < count; i++) {
			InMemoryChannelStream stream = stream(i, 10, retention);
			stream.appendNow(IntNode.valueOf(1), null);
			this.clock.advance(Duration.ofMillis(1));
		}
		assertThat(retention.retained()).isEqualTo(count * frameSize());
		this.read.set(0);
		InMemoryChannelStream newest = stream(count, 10, retention);
		newest.appendNow(IntNode.valueOf(1), null);
		assertThat(this.read.get()).isLessThanOrEqualTo(Retention.SAMPLE);
		assertThat(newest.retainedBytes()).isEqualTo(frameSize());
		assertThat(this.streams.get(0).retainedBytes()).as("the oldest").isZero();
		assertThat(this.streams.get(1).retainedBytes()).isEqualTo(frameSize());
		assertThat(retention.retained()).isEqualTo(count * frameSize());
	}

	@Test
	void evictionReadsPastASampleWithoutFramesAndNeverRoundMoreThanOnce() {
		int kept = 10;
		Retention retention = new Retention(kept * frameSize(), this::counted);
		for (int i = 0; i < Retention.SAMPLE; i++) {
			// No window: these retain nothing.
			stream(i, 0, retention).appendNow(IntNode.valueOf(1), null);
		}
		for (int i = Retention.SAMPLE; i < Retention.SAMPLE + kept; i++) {
			stream(i, 10, retention).appendNow(IntNode.valueOf(1), null);
			this.clock.advance(Duration.ofMillis(1));
		}
		this.read.set(0);
		InMemoryChannelStream newest = stream(99_999, 10, retention);
		newest.appendNow(IntNode.valueOf(1), null);
		assertThat(newest.retainedBytes()).isEqualTo(frameSize());
		assertThat(this.streams.get(Retention.SAMPLE).retainedBytes()).as("the oldest with a frame").isZero();
		assertThat(this.read.get()).isLessThanOrEqualTo(this.streams.size());
	}

	private InMemoryChannelStream stream(int index, int historySize, Retention retention) {
		InMemoryChannelStream stream = new InMemoryChannelStream(name(index), historySize, Duration.ofHours(1),
				this.clock, this.codec, retention, null, new StreamListeners(), () -> {
					throw new AssertionError("Not retired");
				});
		this.streams.add(stream);
		return stream;
	}

	/** The same width for every index, so that every frame has the same size. */
	private static String name(int index) {
		return String.format("chat:%05d", index);
	}

	private long frameSize() {
		byte[] uncounted = StoredFrame.encodeUncounted(this.codec, name(0), IntNode.valueOf(1), null);
		return StoredFrame.encodedSize(uncounted.length, 1);
	}

	/** The streams, counting how many a search reads. */
	private Iterable<InMemoryChannelStream> counted() {
		return () -> {
			Iterator<InMemoryChannelStream> all = new ArrayList<>(this.streams).iterator();
			return new Iterator<>() {

				@Override
				public boolean hasNext() {
					return all.hasNext();
				}

				@Override
				public InMemoryChannelStream next() {
					RetentionTests.this.read.incrementAndGet();
					return all.next();
				}

			};
		};
	}

}

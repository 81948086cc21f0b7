package io.pushwire.server.stream;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.node.StringNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.CountingBinaryFormat;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.channel.ChannelKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StoredFrame}'s encodings: one per wire format, made on first use,
 * shared, and counted against {@code max-retained-bytes} while the frame is retained.
 */
class StoredFrameTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ProtocolCodec json = new ProtocolCodec();

	private final CountingBinaryFormat binary = new CountingBinaryFormat(1);

	private final MutableClock clock = new MutableClock();

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	private final InMemoryChannelStreamStore store = new InMemoryChannelStreamStore(this.clock, Duration.ofSeconds(30),
			this.scheduler, this.json, 1 << 20, 1000);

	private final ChannelKind chat = ChannelKind.builder("chat")
		.historySize(2)
		.historyTtl(Duration.ofMinutes(1))
		.build();

	@AfterEach
	void disposeStore() {
		this.store.dispose();
		this.scheduler.dispose();
	}

	@Test
	void jsonIsEncodedOnFirstDeliveryAndSharedByEveryJsonConnection() {
		StoredFrame frame = append("one");
		byte[] first = frame.encoded(this.json);
		assertThat(new String(first)).isEqualTo(this.json.encode(frame.toFrame()));
		assertThat(frame.encoded(this.json)).isSameAs(first);
		assertThat(frame.encoded(new ProtocolCodec())).as("any JSON codec").isSameAs(first);
	}

	@Test
	void anotherFormatIsEncodedOnFirstUseOnceAndSharedByTheNextConnectionOfThatFormat() {
		StoredFrame frame = append("one");
		assertThat(this.binary.encodings()).isZero();
		byte[] first = frame.encoded(this.binary);
		assertThat(this.binary.encodings()).isOne();
		assertThat(frame.encoded(this.binary)).as("a second connection of the format").isSameAs(first);
		assertThat(this.binary.encodings()).isOne();
		assertThat(CountingBinaryFormat.json(first)).isEqualTo(this.json.encode(frame.toFrame()));
		assertThat(frame.encoded(this.json)).as("JSON is not disturbed").isNotSameAs(first);
	}

	@Test
	void encodingsOfARetainedFrameInOtherFormatsCountAgainstTheRetainedBytesUntilItLeavesTheWindow() {
		StoredFrame first = append("one");
		long jsonSize = first.encodedSize();
		assertThat(jsonSize).isEqualTo(first.encoded(this.json).length);
		assertThat(this.store.retainedBytes()).isEqualTo(jsonSize);
		byte[] inBinary = first.encoded(this.binary);
		CountingBinaryFormat other = new CountingBinaryFormat(2);
		byte[] inOther = first.encoded(other);
		assertThat(this.store.retainedBytes()).isEqualTo(jsonSize + inBinary.length + inOther.length);
		first.encoded(this.binary);
		assertThat(this.store.retainedBytes()).as("shared, counted once")
			.isEqualTo(jsonSize + inBinary.length + inOther.length);
		StoredFrame second = append("two");
		StoredFrame third = append("three");
		// The window holds two frames: the first left it, and with it everything it
		// counted.
		assertThat(this.store.retainedBytes()).isEqualTo(second.encodedSize() + third.encodedSize());
		assertThat(first.encoded(this.binary)).as("still shared by deliveries in flight").isSameAs(inBinary);
	}

	@Test
	void anEncodingMadeAfterTheFrameLeftTheWindowIsNotCounted() {
		StoredFrame first = append("one");
		append("two");
		append("three");
		long retained = this.store.retainedBytes();
		first.encoded(this.binary);
		assertThat(this.store.retainedBytes()).isEqualTo(retained);
	}

	@Test
	void withoutRoomWithinTheBoundAnEncodingIsDeliveredButNotKept() {
		StoredFrame frame = new StoredFrame("chat:a", 1, "e1", StringNode.valueOf("x".repeat(100)), null, 0);
		long jsonSize = frame.encoded(this.json).length;
		Retention retention = new Retention(jsonSize + 10, List::of);
		assertThat(retention.reserve(jsonSize)).isTrue();
		frame.retainedBy(retention);
		byte[] first = frame.encoded(this.binary);
		assertThat(CountingBinaryFormat.json(first)).isEqualTo(new String(frame.encoded(this.json)));
		assertThat(retention.retained()).as("never past the bound").isEqualTo(jsonSize);
		byte[] second = frame.encoded(this.binary);
		assertThat(second).isNotSameAs(first).isEqualTo(first);
		assertThat(this.binary.encodings()).as("encoded for each delivery").isEqualTo(2);
		assertThat(frame.unretain()).isZero();
		assertThat(retention.retained()).isEqualTo(jsonSize);
	}

	@Test
	void unretainReleasesWhatTheOtherEncodingsCountedOnce() {
		StoredFrame frame = new StoredFrame("chat:a", 1, "e1", StringNode.valueOf("hi"), null, 0);
		Retention retention = new Retention(1 << 20, List::of);
		frame.retainedBy(retention);
		int size = frame.encoded(this.binary).length;
		assertThat(retention.retained()).isEqualTo(size);
		assertThat(frame.unretain()).isEqualTo(size);
		assertThat(frame.unretain()).isZero();
		assertThat(retention.retained()).isZero();
	}

	private StoredFrame append(String payload) {
		this.clock.advance(Duration.ofMillis(1));
		StoredFrame frame = this.store.stream(ChannelName.parse("chat:room"), this.chat)
			.append(StringNode.valueOf(payload), null)
			.block(TIMEOUT);
		assertThat(frame).isNotNull();
		return frame;
	}

}

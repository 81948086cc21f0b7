package io.pushwire.server.stream;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.StringNode;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.ChannelName;
import io.pushwire.core.DeltaDocuments;
import io.pushwire.core.DeltaFrame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.WireIds;
import io.pushwire.core.ZstdBodies;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.DeltaMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StoredFrame#deltaEncoded}: a frame's delta against the frame before it
 * (PROTOCOL.md §8.3) is made once, encoded once per format and shared, counted against
 * {@code max-retained-bytes} while the frame is retained, and not made against any other
 * frame.
 */
class StoredFrameDeltaTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ProtocolCodec json = new ProtocolCodec();

	private final MutableClock clock = new MutableClock();

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	private final InMemoryChannelStreamStore store = new InMemoryChannelStreamStore(this.clock, Duration.ofSeconds(30),
			this.scheduler, this.json, 1 << 20, 1000);

	private final ChannelKind doc = ChannelKind.builder("doc")
		.historySize(2)
		.historyTtl(Duration.ofMinutes(1))
		.delta(DeltaMode.FOSSIL)
		.build();

	@AfterEach
	void disposeStore() {
		this.store.dispose();
		this.scheduler.dispose();
	}

	@Test
	void theDeltaIsMadeOnceAndSharedAndGivesTheNextPayload() {
		StoredFrame first = append(DeltaDocuments.document(1));
		StoredFrame second = append(DeltaDocuments.document(2));
		byte[] delta = second.deltaEncoded(first, this.json, this.json);
		assertThat(delta).isNotNull();
		assertThat(second.deltaEncoded(first, this.json, new ProtocolCodec())).as("shared").isSameAs(delta);
		DeltaFrame decoded = (DeltaFrame) this.json.decode(new String(delta));
		assertThat(decoded.cursor()).isEqualTo(2);
		assertThat(decoded.delta().base()).isEqualTo(1);
		byte[] result = decoded.delta().apply(this.json.mapper().writeValueAsBytes(first.payload()), 1 << 20);
		assertThat(this.json.mapper().readTree(result)).isEqualTo(DeltaDocuments.document(2));
		assertThat(delta.length).isLessThan(second.encoded(this.json).length / 4);
	}

	@Test
	void binaryFormatsCarryTheSameDelta() {
		BinaryFormat msgpack = BinaryFormat.msgpack(this.json, WireIds.none(), ZstdBodies.plain());
		StoredFrame first = append(DeltaDocuments.document(1));
		StoredFrame second = append(DeltaDocuments.document(2));
		byte[] inJson = second.deltaEncoded(first, this.json, this.json);
		byte[] inMsgpack = second.deltaEncoded(first, msgpack, this.json);
		assertThat(inMsgpack).isNotNull();
		assertThat(second.deltaEncoded(first, msgpack, this.json)).isSameAs(inMsgpack);
		assertThat(msgpack.decode(inMsgpack, 1 << 20)).isEqualTo(this.json.decode(new String(inJson)));
	}

	@Test
	void noDeltaAgainstAFrameThatIsNotTheOneBefore() {
		StoredFrame first = append(DeltaDocuments.document(1));
		append(DeltaDocuments.document(2));
		StoredFrame third = append(DeltaDocuments.document(3));
		assertThat(third.deltaEncoded(first, this.json, this.json)).isNull();
		StoredFrame otherEpoch = new StoredFrame(third.channel(), 2, "other", DeltaDocuments.document(2), null, 0);
		assertThat(third.deltaEncoded(otherEpoch, this.json, this.json)).isNull();
	}

	@Test
	void aDeltaNoSmallerThanTheFullFrameIsNotSent() {
		StoredFrame first = append(StringNode.valueOf("a"));
		StoredFrame second = append(StringNode.valueOf("b"));
		assertThat(second.deltaEncoded(first, this.json, this.json)).isNull();
		assertThat(second.deltaEncoded(first, this.json, this.json)).as("decided once").isNull();
	}

	@Test
	void deltasOfARetainedFrameCountAgainstTheRetainedBytesUntilItLeavesTheWindow() {
		StoredFrame first = append(DeltaDocuments.document(1));
		StoredFrame second = append(DeltaDocuments.document(2));
		long before = this.store.retainedBytes();
		byte[] delta = second.deltaEncoded(first, this.json, this.json);
		assertThat(this.store.retainedBytes()).isEqualTo(before + delta.length);
		StoredFrame third = append(DeltaDocuments.document(3));
		StoredFrame fourth = append(DeltaDocuments.document(4));
		// Both left the window (history-size 2), the delta's bytes with the second.
		assertThat(this.store.retainedBytes()).isEqualTo(third.encodedSize() + fourth.encodedSize());
	}

	private StoredFrame append(JsonNode payload) {
		this.clock.advance(Duration.ofMillis(1));
		StoredFrame frame = this.store.stream(ChannelName.parse("doc:order"), this.doc)
			.append(payload, null)
			.block(TIMEOUT);
		assertThat(frame).isNotNull();
		return frame;
	}

}

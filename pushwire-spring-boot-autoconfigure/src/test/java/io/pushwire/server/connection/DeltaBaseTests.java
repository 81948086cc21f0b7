package io.pushwire.server.connection;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.pushwire.core.DeltaDocuments;
import io.pushwire.core.DeltaFrame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.stream.StoredFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DeltaBase}: a subscription's next frame goes as a delta only when the
 * frame queued before it on the connection is the one before it in the stream
 * (PROTOCOL.md §8.3).
 */
class DeltaBaseTests {

	private final ProtocolCodec json = new ProtocolCodec();

	private final DeltaBase base = new DeltaBase(this.json, this.json);

	@Test
	void theFirstFrameIsFullAndTheNextOneADelta() {
		StoredFrame first = frame(1);
		assertThat(this.base.next(first)).isSameAs(first);
		Object second = this.base.next(frame(2));
		assertThat(second).isInstanceOf(Delivery.class);
		Delivery delivery = (Delivery) second;
		assertThat(delivery.frame().cursor()).isEqualTo(2);
		assertThat(delivery.binary()).isFalse();
		assertThat(this.json.decode(new String(delivery.bytes()))).isInstanceOf(DeltaFrame.class);
	}

	@Test
	void aFrameAfterASkippedOneIsFull() {
		this.base.next(frame(1));
		StoredFrame third = frame(3);
		assertThat(this.base.next(third)).isSameAs(third);
		assertThat(this.base.next(frame(4))).isInstanceOf(Delivery.class);
	}

	@Test
	void afterAReplayTheNextFrameIsADeltaAgainstTheLastReplayed() {
		this.base.replayed(frame(5));
		assertThat(this.base.next(frame(6))).isInstanceOf(Delivery.class);
	}

	@Test
	void aBatchIsCopiedOnlyWhenAFrameGoesAsADelta() {
		List<Object> firstBatch = List.of(frame(1));
		assertThat(this.base.next(firstBatch)).isSameAs(firstBatch);
		StoredFrame skipped = frame(3);
		List<Object> batch = List.of(skipped, frame(4), "a transient frame");
		List<Object> prepared = this.base.next(batch);
		assertThat(prepared).hasSize(3);
		assertThat(prepared.get(0)).isSameAs(skipped);
		assertThat(prepared.get(1)).isInstanceOf(Delivery.class);
		assertThat(prepared.get(2)).isEqualTo("a transient frame");
	}

	private static StoredFrame frame(long cursor) {
		return new StoredFrame("doc:order", cursor, "e1", DeltaDocuments.document((int) cursor), null, 0);
	}

}

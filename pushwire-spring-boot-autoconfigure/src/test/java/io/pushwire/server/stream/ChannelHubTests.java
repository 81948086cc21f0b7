package io.pushwire.server.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.IntNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.PreparedMessages;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.channel.ChannelKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChannelHub}: this node's fan-out, apart from storage.
 */
class ChannelHubTests {

	private final ChannelHub hub = new ChannelHub();

	@Test
	void publishedFrameReachesTheListenersOfItsChannelOnly() {
		Recording room = new Recording();
		Recording other = new Recording();
		this.hub.add("chat:a", room);
		this.hub.add("chat:b", other);
		this.hub.publish(frame("chat:a", 1));
		this.hub.publish(frame("chat:a", 2));
		assertThat(room.cursors).containsExactly(1L, 2L);
		assertThat(other.cursors).isEmpty();
	}

	@Test
	void epochChangeReachesTheListenersInOrderWithTheFrames() {
		Recording room = new Recording();
		this.hub.add("chat:a", room);
		this.hub.publish(frame("chat:a", 7));
		this.hub.publishEpochChange("chat:a", "N3wEpoch", 1);
		this.hub.publish(frame("chat:a", 1));
		this.hub.publishEpochChange("chat:b", "Other", 1);
		assertThat(room.cursors).containsExactly(7L, -1L, 1L);
	}

	@Test
	void frameOfAChannelWithoutListenersIsDropped() {
		this.hub.publish(frame("chat:a", 1));
		assertThat(this.hub.publishTransient("chat:a", PreparedMessages.ofJson(new byte[] { '{', '}' }))).isZero();
		assertThat(this.hub.size()).isZero();
	}

	@Test
	void transientFrameIsCountedPerListener() {
		Recording one = new Recording();
		Recording two = new Recording();
		this.hub.add("chat:a", one);
		this.hub.add("chat:a", two);
		assertThat(this.hub.publishTransient("chat:a", PreparedMessages.ofJson(new byte[] { '{', '}' }))).isEqualTo(2);
		assertThat(one.transients.get()).isOne();
		assertThat(two.transients.get()).isOne();
	}

	@Test
	void lastRemovalRunsItsCallbackOnceAndForgetsTheChannel() {
		Recording one = new Recording();
		Recording two = new Recording();
		AtomicInteger lastGone = new AtomicInteger();
		this.hub.add("chat:a", one);
		this.hub.add("chat:a", two);
		this.hub.remove("chat:a", one, lastGone::incrementAndGet);
		assertThat(lastGone.get()).isZero();
		this.hub.remove("chat:a", two, lastGone::incrementAndGet);
		this.hub.remove("chat:a", two, lastGone::incrementAndGet);
		assertThat(lastGone.get()).isOne();
		assertThat(this.hub.size()).isZero();
		this.hub.publish(frame("chat:a", 1));
		assertThat(two.cursors).isEmpty();
	}

	@Test
	void listenersOfAStoreAreKeptUntilReleasedWhileEmpty() {
		StreamListeners listeners = this.hub.listeners("chat:a");
		assertThat(this.hub.listeners("chat:a")).isSameAs(listeners);
		Recording recording = new Recording();
		listeners.add(recording);
		this.hub.release("chat:a", listeners);
		assertThat(this.hub.listeners("chat:a")).as("not released while a listener is attached").isSameAs(listeners);
		listeners.remove(recording);
		this.hub.release("chat:a", new StreamListeners());
		assertThat(this.hub.listeners("chat:a")).as("released only when the store's own").isSameAs(listeners);
		this.hub.release("chat:a", listeners);
		assertThat(this.hub.size()).isZero();
		assertThat(this.hub.listeners("chat:a")).isNotSameAs(listeners);
	}

	@Test
	void inMemoryStoreFansOutThroughItsHub() {
		InMemoryChannelStreamStore store = new InMemoryChannelStreamStore(new ProtocolCodec(), 1 << 20, 10, this.hub);
		try {
			ChannelKind chat = ChannelKind.builder("chat").build();
			ChannelStream stream = store.stream(ChannelName.parse("chat:a"), chat);
			assertThat(this.hub.size()).isOne();
			Recording recording = new Recording();
			stream.attach(null, recording).block(ChannelStoreContractTests.TIMEOUT);
			stream.append(IntNode.valueOf(1), null).block(ChannelStoreContractTests.TIMEOUT);
			assertThat(recording.cursors).containsExactly(1L);
		}
		finally {
			store.dispose();
		}
	}

	private static StoredFrame frame(String channel, long cursor) {
		return new StoredFrame(channel, cursor, "e1", IntNode.valueOf((int) cursor), null, 0);
	}

	private static final class Recording implements StreamListener {

		private final List<Long> cursors = new ArrayList<>();

		private final AtomicInteger transients = new AtomicInteger();

		@Override
		public synchronized void onFrame(StoredFrame frame) {
			this.cursors.add(frame.cursor());
		}

		@Override
		public void onTransient(String channel, PreparedMessage frame) {
			this.transients.incrementAndGet();
		}

		/** Recorded as cursor -1 between the frames. */
		@Override
		public synchronized void onEpochChange(EpochChange change) {
			this.cursors.add(-1L);
		}

	}

}

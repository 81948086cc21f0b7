package io.pushwire.client;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.StringNode;

import io.pushwire.core.Frame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SendQueue}.
 */
class SendQueueTests {

	private static SendQueue.Entry entry(String text, int bytes) {
		return new SendQueue.Entry(Frame.of("chat:a", StringNode.valueOf(text)), bytes, false);
	}

	@Test
	void rejectRefusesWhenFullInCountAndLetsAWaiterInWhenRoomFrees() {
		SendQueue queue = new SendQueue(2, 1000, SendOverflow.REJECT);
		SendQueue.Entry a = entry("a", 10);
		SendQueue.Entry b = entry("b", 10);
		assertThat(queue.offer(a, false)).isEqualTo(SendQueue.Offer.ACCEPTED);
		assertThat(queue.offer(b, false)).isEqualTo(SendQueue.Offer.ACCEPTED);
		assertThat(queue.offer(entry("c", 10), false)).isEqualTo(SendQueue.Offer.REFUSED);
		SendQueue.Entry waiting = entry("d", 10);
		assertThat(queue.offer(waiting, true)).isEqualTo(SendQueue.Offer.WAITING);
		queue.remove(a);
		assertThat(queue.size()).isEqualTo(2);
		queue.remove(b);
		assertThat(queue.peek()).isSameAs(waiting);
	}

	@Test
	void boundsBytesAsWellAsCount() {
		SendQueue queue = new SendQueue(100, 25, SendOverflow.REJECT);
		assertThat(queue.offer(entry("a", 20), false)).isEqualTo(SendQueue.Offer.ACCEPTED);
		assertThat(queue.offer(entry("b", 10), false)).isEqualTo(SendQueue.Offer.REFUSED);
		assertThat(queue.offer(entry("huge", 26), true)).as("never fits").isEqualTo(SendQueue.Offer.REFUSED);
		assertThat(queue.bytes()).isEqualTo(20);
	}

	@Test
	void dropOldestMakesRoomByFailingTheOldest() {
		SendQueue queue = new SendQueue(2, 1000, SendOverflow.DROP_OLDEST);
		SendQueue.Entry a = entry("a", 10);
		queue.offer(a, false);
		queue.offer(entry("b", 10), false);
		SendQueue.Entry c = entry("c", 10);
		assertThat(queue.offer(c, false)).isEqualTo(SendQueue.Offer.ACCEPTED);
		assertThat(queue.size()).isEqualTo(2);
		assertThat(queue.peek()).isNotSameAs(a);
		assertThat(a.result.asMono().toFuture()).isCompletedExceptionally();
		assertThat(c.result.asMono().toFuture()).isNotDone();
	}

	@Test
	void dropNewestKeepsWhatIsQueued() {
		SendQueue queue = new SendQueue(1, 1000, SendOverflow.DROP_NEWEST);
		SendQueue.Entry a = entry("a", 10);
		queue.offer(a, false);
		SendQueue.Entry b = entry("b", 10);
		assertThat(queue.offer(b, true)).isEqualTo(SendQueue.Offer.REFUSED);
		assertThat(queue.peek()).isSameAs(a);
		assertThat(b.result.asMono().toFuture()).isCompletedExceptionally();
	}

	@Test
	void volatileFramesAreDroppedWhenTheConnectionIsLost() {
		SendQueue queue = new SendQueue(10, 1000, SendOverflow.REJECT);
		SendQueue.Entry kept = entry("kept", 10);
		SendQueue.Entry typing = new SendQueue.Entry(Frame.of("chat:a", StringNode.valueOf("typing")), 10, true);
		queue.offer(kept, false);
		queue.offer(typing, false);
		queue.dropVolatile();
		assertThat(queue.size()).isEqualTo(1);
		assertThat(queue.peek()).isSameAs(kept);
		assertThat(typing.result.asMono().toFuture()).isCompletedExceptionally();
	}

	@Test
	void aWithdrawnEntryLeavesTheQueueOrTheWaitingLine() {
		SendQueue queue = new SendQueue(1, 1000, SendOverflow.REJECT);
		SendQueue.Entry queued = entry("queued", 10);
		SendQueue.Entry waiting = entry("waiting", 10);
		queue.offer(queued, false);
		queue.offer(waiting, true);
		queue.withdraw(waiting);
		queue.withdraw(queued);
		assertThat(queue.size()).isZero();
		assertThat(queue.bytes()).isZero();
		assertThat(queue.peek()).isNull();
	}

}

package io.pushwire.server.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.node.IntNode;

import io.pushwire.core.PreparedMessage;
import io.pushwire.core.PreparedMessages;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamListeners}: direct listeners on the publishing thread, grouped
 * ones in batches on their executor, in order, never given what was published before they
 * joined.
 */
class StreamListenersTests {

	private final ExecutorService loop = Executors.newSingleThreadExecutor();

	private final ManualExecutor manual = new ManualExecutor();

	@AfterEach
	void stopLoop() {
		this.loop.shutdownNow();
	}

	@Test
	void directListenersAreCalledOnThePublishingThread() {
		StreamListeners listeners = new StreamListeners();
		Recording direct = new Recording(null);
		listeners.add(direct);
		publishAndDeliver(listeners, frame(1));
		assertThat(direct.cursors()).containsExactly(1L);
		assertThat(direct.threads).containsExactly(Thread.currentThread());
	}

	@Test
	void groupedListenersShareOneHandOffPerFrameAndGetBatchesInOrder() {
		StreamListeners listeners = new StreamListeners();
		Recording first = new Recording(this.manual);
		Recording second = new Recording(this.manual);
		listeners.add(first);
		listeners.add(second);
		listeners.publish(frame(1));
		listeners.publish(frame(2));
		assertThat(listeners.publishTransient("chat:a", PreparedMessages.ofJson(new byte[] { '{', '}' }))).isEqualTo(2);
		listeners.publish(frame(3));
		// One task for the whole burst, nothing delivered before it runs.
		assertThat(this.manual.tasks).hasSize(1);
		assertThat(first.items).isEmpty();
		this.manual.runAll();
		assertThat(first.batches).isEqualTo(1);
		assertThat(first.items).hasSize(4);
		assertThat(first.cursors()).containsExactly(1L, 2L, 3L);
		assertThat(first.items.get(2)).isInstanceOf(StreamListener.Transient.class);
		assertThat(second.cursors()).containsExactly(1L, 2L, 3L);
	}

	@Test
	void anExecutorThatRejectsAHandOffLeavesNoFlagStuck() {
		StreamListeners listeners = new StreamListeners();
		RejectingOnceExecutor executor = new RejectingOnceExecutor();
		Recording listener = new Recording(executor);
		listeners.add(listener);
		// An event loop shutting down refuses the task: the publisher is not failed for
		// it...
		listeners.publish(frame(1));
		// ...and once it takes tasks again, the next frame is handed off with what was
		// waiting.
		listeners.publish(frame(2));
		assertThat(executor.tasks).hasSize(1);
		executor.runAll();
		assertThat(listener.cursors()).containsExactly(1L, 2L);
	}

	@Test
	void aListenerThatJoinsAfterAFrameNeverGetsItFromTheGroup() {
		StreamListeners listeners = new StreamListeners();
		Recording early = new Recording(this.manual);
		listeners.add(early);
		listeners.publish(frame(1));
		listeners.publish(frame(2));
		Recording late = new Recording(this.manual);
		listeners.add(late);
		listeners.publish(frame(3));
		this.manual.runAll();
		assertThat(early.cursors()).containsExactly(1L, 2L, 3L);
		assertThat(late.cursors()).containsExactly(3L);
	}

	@Test
	void aRemovedListenerIsNoLongerGivenFrames() {
		StreamListeners listeners = new StreamListeners();
		Recording kept = new Recording(this.manual);
		Recording removed = new Recording(this.manual);
		listeners.add(kept);
		listeners.add(removed);
		listeners.publish(frame(1));
		this.manual.runAll();
		listeners.remove(removed);
		listeners.publish(frame(2));
		this.manual.runAll();
		assertThat(kept.cursors()).containsExactly(1L, 2L);
		assertThat(removed.cursors()).containsExactly(1L);
		listeners.remove(kept);
		assertThat(listeners.isEmpty()).isTrue();
	}

	@Test
	void aPublisherFasterThanTheExecutorDeliversTheBacklogItselfInOrder() {
		StreamListeners listeners = new StreamListeners();
		Recording listener = new Recording(this.manual);
		listeners.add(listener);
		int count = StreamListeners.MAX_PENDING * 3 + 7;
		for (int i = 1; i <= count; i++) {
			publishAndDeliver(listeners, frame(i));
		}
		// The executor never ran, yet no more than one group's worth waits for it.
		assertThat(listener.items).hasSizeGreaterThanOrEqualTo(count - StreamListeners.MAX_PENDING);
		this.manual.runAll();
		List<Long> expected = new ArrayList<>();
		for (long i = 1; i <= count; i++) {
			expected.add(i);
		}
		assertThat(listener.cursors()).isEqualTo(expected);
	}

	@Test
	void framesPublishedFromSeveralThreadsInTurnArriveInOrderOnARealExecutor() throws InterruptedException {
		StreamListeners listeners = new StreamListeners();
		Recording listener = new Recording(this.loop);
		listeners.add(listener);
		int count = 20_000;
		ExecutorService publishers = Executors.newFixedThreadPool(3);
		Object streamLock = new Object();
		long[] next = { 1 };
		CountDownLatch done = new CountDownLatch(3);
		for (int t = 0; t < 3; t++) {
			publishers.execute(() -> {
				while (true) {
					boolean due;
					synchronized (streamLock) {
						if (next[0] > count) {
							break;
						}
						due = listeners.publish(frame(next[0]++));
					}
					if (due) {
						listeners.deliver();
					}
				}
				done.countDown();
			});
		}
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		publishers.shutdown();
		CountDownLatch drained = new CountDownLatch(1);
		this.loop.execute(drained::countDown);
		assertThat(drained.await(10, TimeUnit.SECONDS)).isTrue();
		List<Long> cursors = listener.cursors();
		assertThat(cursors).hasSize(count);
		for (int i = 0; i < count; i++) {
			assertThat(cursors.get(i)).isEqualTo(i + 1L);
		}
	}

	@Test
	@Timeout(30)
	void theEventLoopDoesNotWaitForAPublisherThatDeliversTheBacklog() throws Exception {
		StreamListeners listeners = new StreamListeners();
		CountDownLatch publisherDelivering = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Thread[] eventLoop = new Thread[1];
		Recording listener = new Recording(this.manual) {

			@Override
			public void onBatch(List<Object> batch) {
				super.onBatch(batch);
				if (Thread.currentThread() != eventLoop[0]) {
					publisherDelivering.countDown();
					await(release, 15);
				}
			}

		};
		listeners.add(listener);
		ExecutorService publisher = Executors.newSingleThreadExecutor();
		try {
			publisher.submit(() -> {
				for (int i = 1; i <= StreamListeners.MAX_PENDING; i++) {
					publishAndDeliver(listeners, frame(i));
				}
			});
			assertThat(publisherDelivering.await(5, TimeUnit.SECONDS)).isTrue();
			// The event loop's task finds the batch taken by the publisher: it returns at
			// once, not parked.
			this.loop.submit(() -> {
				eventLoop[0] = Thread.currentThread();
				this.manual.runAll();
			}).get(5, TimeUnit.SECONDS);
		}
		finally {
			release.countDown();
			publisher.shutdown();
		}
		assertThat(publisher.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		assertThat(listener.cursors()).hasSize(StreamListeners.MAX_PENDING);
	}

	/**
	 * Publishes under a lock, as a stream does, and delivers what is due after releasing
	 * it.
	 */
	static void publishAndDeliver(StreamListeners listeners, StoredFrame frame) {
		if (listeners.publish(frame)) {
			listeners.deliver();
		}
	}

	private static void await(CountDownLatch latch, int seconds) {
		try {
			latch.await(seconds, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void await(CountDownLatch latch) {
		try {
			assertThat(latch.await(5, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static StoredFrame frame(long cursor) {
		return new StoredFrame("chat:a", cursor, "e1", IntNode.valueOf((int) cursor), null, 0);
	}

	/** Runs tasks when told to. */
	static final class ManualExecutor implements Executor {

		final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

		@Override
		public void execute(Runnable task) {
			this.tasks.add(task);
		}

		void runAll() {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				task.run();
			}
		}

	}

	/**
	 * Refuses its first task, as an event loop that is shutting down does, then runs
	 * tasks when told to.
	 */
	static final class RejectingOnceExecutor implements Executor {

		final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

		private boolean rejected;

		@Override
		public void execute(Runnable task) {
			if (!this.rejected) {
				this.rejected = true;
				throw new java.util.concurrent.RejectedExecutionException("event executor terminated");
			}
			this.tasks.add(task);
		}

		void runAll() {
			Runnable task;
			while ((task = this.tasks.poll()) != null) {
				task.run();
			}
		}

	}

	static class Recording implements StreamListener {

		private final @Nullable Executor executor;

		final List<Object> items = Collections.synchronizedList(new ArrayList<>());

		final List<Thread> threads = Collections.synchronizedList(new ArrayList<>());

		int batches;

		Recording(@Nullable Executor executor) {
			this.executor = executor;
		}

		@Override
		public @Nullable Executor executor() {
			return this.executor;
		}

		@Override
		public synchronized void onBatch(List<Object> batch) {
			this.batches++;
			StreamListener.super.onBatch(batch);
		}

		@Override
		public void onFrame(StoredFrame frame) {
			this.items.add(frame);
			this.threads.add(Thread.currentThread());
		}

		@Override
		public void onTransient(String channel, PreparedMessage frame) {
			this.items.add(new StreamListener.Transient(channel, frame));
		}

		List<Long> cursors() {
			synchronized (this.items) {
				return this.items.stream()
					.filter(StoredFrame.class::isInstance)
					.map((item) -> ((StoredFrame) item).cursor())
					.toList();
			}
		}

	}

}

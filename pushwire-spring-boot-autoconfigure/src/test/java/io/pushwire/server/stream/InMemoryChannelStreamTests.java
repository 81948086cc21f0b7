package io.pushwire.server.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.JsonNodeFactory;

import io.pushwire.core.Cursors;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.PreparedMessages;
import io.pushwire.core.ResumeToken.Position;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InMemoryChannelStream}.
 */
class InMemoryChannelStreamTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration LONG_TTL = Duration.ofDays(1);

	private static final byte[] EMPTY_OBJECT = { '{', '}' };

	private final MutableClock clock = new MutableClock();

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	@AfterEach
	void shutDownExecutor() {
		this.executor.shutdownNow();
	}

	@Test
	void appendsGetCursorsFromOneWithoutHoles() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		assertThat(stream.head()).isZero();
		StepVerifier.create(stream.append(IntNode.valueOf(1), "6b1f0000-0000-4000-8000-000000000000"))
			.assertNext((frame) -> {
				assertThat(frame.channel()).isEqualTo("chat:room-42");
				assertThat(frame.cursor()).isEqualTo(1);
				assertThat(frame.epoch()).isEqualTo(stream.epoch());
				assertThat(frame.payload()).isEqualTo(IntNode.valueOf(1));
				assertThat(frame.clientId()).isEqualTo("6b1f0000-0000-4000-8000-000000000000");
				assertThat(frame.storedAtMillis()).isEqualTo(this.clock.millis());
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(append(stream, 2).cursor()).isEqualTo(2);
		assertThat(append(stream, 3).cursor()).isEqualTo(3);
		assertThat(stream.head()).isEqualTo(3);
	}

	@Test
	void positionIsOneCompletedMonoUntilTheHeadMoves() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		Mono<StreamPosition> empty = stream.position();
		assertThat(empty).isInstanceOf(Fuseable.ScalarCallable.class);
		assertThat(empty.block(TIMEOUT)).isEqualTo(new StreamPosition(stream.epoch(), 0));
		append(stream, 1);
		Mono<StreamPosition> first = stream.position();
		assertThat(first.block(TIMEOUT)).isEqualTo(new StreamPosition(stream.epoch(), 1));
		// Asked again (an ack per frame per subscriber), nothing new is made.
		assertThat(stream.position()).isSameAs(first);
		append(stream, 2);
		assertThat(stream.position().block(TIMEOUT).head()).isEqualTo(2);
	}

	@Test
	void appendHappensOnlyWhenSubscribed() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		stream.append(IntNode.valueOf(1), null);
		assertThat(stream.head()).isZero();
	}

	@Test
	void listenerThatThrowsDoesNotCostTheOthersTheFrame() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		RecordingListener before = new RecordingListener();
		RecordingListener after = new RecordingListener();
		attach(stream, null, before);
		attach(stream, null, new StreamListener() {
			@Override
			public void onFrame(StoredFrame frame) {
				throw new IllegalStateException("broken listener");
			}

			@Override
			public void onTransient(String channel, PreparedMessage frame) {
				byte[] json = PreparedMessages.json(frame);
				throw new IllegalStateException("broken listener");
			}
		});
		attach(stream, null, after);
		StoredFrame frame = append(stream, 1);
		assertThat(before.frames()).containsExactly(frame);
		assertThat(after.frames()).containsExactly(frame);
		assertThat(stream.head()).isEqualTo(1);
	}

	@Test
	@Timeout(15)
	void concurrentAppendsGetEveryCursorOnceAndListenersSeeThemInOrder() throws Exception {
		int threads = 4;
		int perThread = 5_000;
		int total = threads * perThread;
		InMemoryChannelStream stream = stream(total, LONG_TTL);
		RecordingListener listener = new RecordingListener();
		attach(stream, null, listener);
		CountDownLatch start = new CountDownLatch(1);
		Set<Long> returned = ConcurrentHashMap.newKeySet();
		List<Future<?>> futures = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			futures.add(this.executor.submit(() -> {
				start.await();
				for (int i = 0; i < perThread; i++) {
					assertThat(returned.add(append(stream, i).cursor())).isTrue();
				}
				return null;
			}));
		}
		start.countDown();
		for (Future<?> future : futures) {
			future.get(10, TimeUnit.SECONDS);
		}
		long[] expected = LongStream.rangeClosed(1, total).toArray();
		assertThat(stream.head()).isEqualTo(total);
		assertThat(returned).hasSize(total);
		assertThat(listener.cursors()).containsExactly(expected);
		Attachment all = attach(stream, new Position(0, stream.epoch()), new RecordingListener());
		assertThat(all.plan().resumeRequired()).isFalse();
		assertThat(cursors(all.replay())).containsExactly(expected);
	}

	@Test
	void epochIsStableForStreamAndDiffersForNewStream() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		String epoch = stream.epoch();
		assertThat(Cursors.isValidEpoch(epoch)).isTrue();
		assertThat(append(stream, 1).epoch()).isEqualTo(epoch);
		assertThat(append(stream, 2).epoch()).isEqualTo(epoch);
		assertThat(stream.epoch()).isEqualTo(epoch);
		assertThat(stream(16, LONG_TTL).epoch()).isNotEqualTo(epoch);
	}

	@Test
	void windowKeepsAtMostHistorySizeFrames() {
		InMemoryChannelStream stream = stream(3, LONG_TTL);
		appendAll(stream, 5);
		Attachment attachment = attach(stream, new Position(0, stream.epoch()), new RecordingListener());
		assertThat(attachment.plan().resumeRequired()).isTrue();
		assertThat(attachment.plan().after()).isEqualTo(2);
		assertThat(cursors(attachment.replay())).containsExactly(3, 4, 5);
	}

	@Test
	void windowDropsFramesOlderThanHistoryTtl() {
		InMemoryChannelStream stream = stream(16, Duration.ofSeconds(10));
		appendAll(stream, 1);
		this.clock.advance(Duration.ofSeconds(6));
		appendAll(stream, 1);
		this.clock.advance(Duration.ofSeconds(5));
		Attachment attachment = attach(stream, new Position(0, null), new RecordingListener());
		assertThat(attachment.plan().resumeRequired()).isTrue();
		assertThat(attachment.plan().after()).isEqualTo(1);
		assertThat(cursors(attachment.replay())).containsExactly(2);
	}

	@Test
	void frameExactlyHistoryTtlOldIsKeptAndDroppedOneMillisecondLater() {
		InMemoryChannelStream stream = stream(16, Duration.ofSeconds(10));
		appendAll(stream, 2);
		this.clock.advance(Duration.ofSeconds(10));
		assertThat(cursors(attach(stream, new Position(0, null), new RecordingListener()).replay())).containsExactly(1,
				2);
		this.clock.advance(Duration.ofMillis(1));
		Attachment attachment = attach(stream, new Position(0, null), new RecordingListener());
		assertThat(attachment.plan().resumeRequired()).isTrue();
		assertThat(attachment.plan().after()).isEqualTo(2);
		assertThat(attachment.replay()).isEmpty();
	}

	@Test
	void attachWithoutPositionStartsLive() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		appendAll(stream, 3);
		RecordingListener listener = new RecordingListener();
		Attachment attachment = attach(stream, null, listener);
		assertThat(attachment.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 3, 3, false));
		assertThat(attachment.replay()).isEmpty();
		appendAll(stream, 1);
		assertThat(listener.cursors()).containsExactly(4);
	}

	@Test
	void attachInsideWindowWithSameEpochReplaysFramesAfterCursor() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		appendAll(stream, 5);
		Attachment attachment = attach(stream, new Position(2, stream.epoch()), new RecordingListener());
		assertThat(attachment.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 5, 2, false));
		assertThat(cursors(attachment.replay())).containsExactly(3, 4, 5);
	}

	@Test
	void attachInsideWindowWithoutEpochReplaysFramesAfterCursor() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		appendAll(stream, 5);
		Attachment attachment = attach(stream, new Position(3, null), new RecordingListener());
		assertThat(attachment.plan().resumeRequired()).isFalse();
		assertThat(attachment.plan().after()).isEqualTo(3);
		assertThat(cursors(attachment.replay())).containsExactly(4, 5);
	}

	@Test
	void attachAtHeadReplaysNothing() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		appendAll(stream, 5);
		Attachment attachment = attach(stream, new Position(5, stream.epoch()), new RecordingListener());
		assertThat(attachment.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 5, 5, false));
		assertThat(attachment.replay()).isEmpty();
	}

	@Test
	void attachOneBeforeOldestReplaysWholeWindowWithoutResumeRequired() {
		InMemoryChannelStream stream = stream(3, LONG_TTL);
		appendAll(stream, 5);
		Attachment attachment = attach(stream, new Position(2, stream.epoch()), new RecordingListener());
		assertThat(attachment.plan().resumeRequired()).isFalse();
		assertThat(attachment.plan().after()).isEqualTo(2);
		assertThat(cursors(attachment.replay())).containsExactly(3, 4, 5);
	}

	@Test
	void attachBeforeWindowRequiresResumeFromOldest() {
		InMemoryChannelStream stream = stream(3, LONG_TTL);
		appendAll(stream, 5);
		Attachment attachment = attach(stream, new Position(1, stream.epoch()), new RecordingListener());
		assertThat(attachment.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 5, 2, true));
		assertThat(attachment.plan().fromCursor()).isEqualTo(3);
		assertThat(cursors(attachment.replay())).containsExactly(3, 4, 5);
	}

	@Test
	void attachBeyondHeadRequiresResumeFromOldest() {
		InMemoryChannelStream stream = stream(3, LONG_TTL);
		appendAll(stream, 5);
		Attachment attachment = attach(stream, new Position(6, stream.epoch()), new RecordingListener());
		assertThat(attachment.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 5, 2, true));
		assertThat(cursors(attachment.replay())).containsExactly(3, 4, 5);
	}

	@Test
	void attachBeyondHeadOfNewStreamRequiresResumeFromStart() {
		InMemoryChannelStream stream = stream(3, LONG_TTL);
		Attachment attachment = attach(stream, new Position(17, null), new RecordingListener());
		assertThat(attachment.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 0, 0, true));
		assertThat(attachment.plan().fromCursor()).isEqualTo(1);
		assertThat(attachment.replay()).isEmpty();
	}

	@Test
	void attachWithOtherEpochRequiresResumeEvenInsideWindow() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		appendAll(stream, 5);
		Attachment attachment = attach(stream, new Position(3, "other-epoch"), new RecordingListener());
		assertThat(attachment.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 5, 0, true));
		assertThat(cursors(attachment.replay())).containsExactly(1, 2, 3, 4, 5);
	}

	@Test
	void emptyWindowHasOldestOneAfterHead() {
		InMemoryChannelStream stream = stream(16, Duration.ofSeconds(10));
		appendAll(stream, 3);
		this.clock.advance(Duration.ofSeconds(11));
		Attachment atHead = attach(stream, new Position(3, stream.epoch()), new RecordingListener());
		assertThat(atHead.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 3, 3, false));
		assertThat(atHead.replay()).isEmpty();
		Attachment behind = attach(stream, new Position(2, stream.epoch()), new RecordingListener());
		assertThat(behind.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 3, 3, true));
		assertThat(behind.plan().fromCursor()).isEqualTo(4);
		assertThat(behind.replay()).isEmpty();
	}

	@Test
	void zeroHistorySizeKeepsNothingAndResumesOnlyFromHead() {
		InMemoryChannelStream stream = stream(0, LONG_TTL);
		appendAll(stream, 3);
		assertThat(attach(stream, new Position(3, null), new RecordingListener()).plan().resumeRequired()).isFalse();
		Attachment behind = attach(stream, new Position(2, null), new RecordingListener());
		assertThat(behind.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 3, 3, true));
		assertThat(behind.replay()).isEmpty();
	}

	@Test
	void emptyNewStreamResumesFromZero() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		Attachment attachment = attach(stream, new Position(0, null), new RecordingListener());
		assertThat(attachment.plan()).isEqualTo(new ResumePlan("chat:room-42", stream.epoch(), 0, 0, false));
		assertThat(attachment.replay()).isEmpty();
	}

	@Test
	@Timeout(15)
	void replayThenLiveHasNoGapOrDuplicateWhenAppendsRaceWithAttach() throws Exception {
		InMemoryChannelStream stream = stream(64, LONG_TTL);
		AtomicBoolean stop = new AtomicBoolean();
		CountDownLatch appending = new CountDownLatch(1);
		Future<?> appender = this.executor.submit(() -> {
			int i = 0;
			while (!stop.get()) {
				append(stream, i++);
				if (i == 100) {
					appending.countDown();
				}
			}
			return null;
		});
		assertThat(appending.await(5, TimeUnit.SECONDS)).isTrue();
		List<Attached> attached = new ArrayList<>();
		try {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			for (int i = 0; i < 2_000; i++) {
				long cursor = Math.max(0, stream.head() - random.nextInt(100));
				Position from = switch (i % 4) {
					case 0 -> null;
					case 1 -> new Position(cursor, stream.epoch());
					case 2 -> new Position(cursor, null);
					default -> new Position(cursor, "other-epoch");
				};
				RecordingListener listener = new RecordingListener();
				Attachment attachment = attach(stream, from, listener);
				attached.add(new Attached(attachment, listener));
				if (i % 10 != 0) {
					// Keep the listener count small; a detached listener's frames are
					// still a contiguous run.
					attached.get(random.nextInt(attached.size())).attachment().detach().dispose();
				}
			}
		}
		finally {
			stop.set(true);
		}
		appender.get(10, TimeUnit.SECONDS);
		long head = stream.head();
		assertThat(head).isGreaterThanOrEqualTo(100);
		for (Attached each : attached) {
			ResumePlan plan = each.attachment().plan();
			long[] replay = cursors(each.attachment().replay());
			assertThat(replay).as("replay of %s", plan).hasSize((int) (plan.head() - plan.after()));
			long[] seen = LongStream.concat(LongStream.of(replay), LongStream.of(each.listener().cursors())).toArray();
			assertThat(seen).as("replay then live of %s", plan)
				.containsExactly(LongStream.rangeClosed(plan.after() + 1, plan.after() + seen.length).toArray());
			if (!each.attachment().detach().isDisposed()) {
				assertThat(plan.after() + seen.length).as("last cursor seen after %s", plan).isEqualTo(head);
			}
		}
	}

	@Test
	void detachStopsDelivery() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		RecordingListener listener = new RecordingListener();
		RecordingListener other = new RecordingListener();
		Disposable detach = attach(stream, null, listener).detach();
		attach(stream, null, other);
		appendAll(stream, 1);
		assertThat(detach.isDisposed()).isFalse();
		detach.dispose();
		assertThat(detach.isDisposed()).isTrue();
		appendAll(stream, 1);
		detach.dispose();
		assertThat(listener.cursors()).containsExactly(1);
		assertThat(other.cursors()).containsExactly(1, 2);
		StepVerifier.create(stream.publishTransient(PreparedMessages.ofJson(EMPTY_OBJECT)))
			.expectNext(1)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(listener.transients()).isEmpty();
	}

	@Test
	void transientFrameReachesListenersAndIsNotStored() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		appendAll(stream, 2);
		RecordingListener first = new RecordingListener();
		RecordingListener second = new RecordingListener();
		attach(stream, null, first);
		attach(stream, null, second);
		byte[] json = "{\"channel\":\"chat:room-42\",\"payload\":1}".getBytes();
		StepVerifier.create(stream.publishTransient(PreparedMessages.ofJson(json)))
			.expectNext(2)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(first.transients()).singleElement().isSameAs(json);
		assertThat(second.transients()).singleElement().isSameAs(json);
		assertThat(first.cursors()).isEmpty();
		assertThat(stream.head()).isEqualTo(2);
		assertThat(cursors(attach(stream, new Position(0, null), new RecordingListener()).replay())).containsExactly(1,
				2);
		assertThat(append(stream, 3).cursor()).isEqualTo(3);
	}

	@Test
	void transientFrameCountsListenerThatDetachesOnReceivingIt() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		RecordingListener staying = new RecordingListener();
		attach(stream, null, staying);
		Disposable[] detach = new Disposable[1];
		RecordingListener leaving = new RecordingListener() {

			@Override
			public void onTransient(String channel, PreparedMessage frame) {
				byte[] json = PreparedMessages.json(frame);
				super.onTransient(channel, frame);
				// A connection whose queue is full detaches while it is being given the
				// frame.
				detach[0].dispose();
			}

		};
		detach[0] = attach(stream, null, leaving).detach();
		StepVerifier.create(stream.publishTransient(PreparedMessages.ofJson(EMPTY_OBJECT)))
			.expectNext(2)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(staying.transients()).hasSize(1);
		assertThat(leaving.transients()).hasSize(1);
	}

	@Test
	void publishTransientWithoutListenersReachesNobody() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		StepVerifier.create(stream.publishTransient(PreparedMessages.ofJson(EMPTY_OBJECT)))
			.expectNext(0)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(stream.head()).isZero();
	}

	@Test
	void directListenerThatPublishesFromItsCallbackDoesNotReorderGroupedListeners() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		StreamListenersTests.ManualExecutor loop = new StreamListenersTests.ManualExecutor();
		StreamListenersTests.Recording grouped = new StreamListenersTests.Recording(loop);
		RecordingListener replier = new RecordingListener() {

			@Override
			public void onFrame(StoredFrame frame) {
				super.onFrame(frame);
				if (frame.cursor() == 1) {
					append(stream, 100);
				}
			}

		};
		attach(stream, null, replier);
		attach(stream, null, grouped);
		append(stream, 1);
		loop.runAll();
		assertThat(grouped.cursors()).containsExactly(1L, 2L);
		assertThat(replier.cursors()).containsExactly(1, 2);
	}

	@Test
	@Timeout(15)
	void directListenersThatPublishToEachOthersStreamsDoNotDeadlock() throws Exception {
		InMemoryChannelStream first = stream(16, LONG_TTL);
		InMemoryChannelStream second = stream(16, LONG_TTL);
		// Both callbacks run at once before each publishes a reply to the other's stream.
		CyclicBarrier bothInCallbacks = new CyclicBarrier(2);
		attach(first, null, new Replier(bothInCallbacks, second));
		attach(second, null, new Replier(bothInCallbacks, first));
		ExecutorService daemons = Executors.newFixedThreadPool(2, (task) -> {
			Thread thread = new Thread(task);
			thread.setDaemon(true);
			return thread;
		});
		try {
			Future<StoredFrame> onFirst = daemons.submit(() -> append(first, 1));
			Future<StoredFrame> onSecond = daemons.submit(() -> append(second, 1));
			assertThat(onFirst.get(5, TimeUnit.SECONDS).cursor()).isEqualTo(1);
			assertThat(onSecond.get(5, TimeUnit.SECONDS).cursor()).isEqualTo(1);
		}
		finally {
			daemons.shutdownNow();
		}
		assertThat(first.head()).isEqualTo(2);
		assertThat(second.head()).isEqualTo(2);
	}

	@Test
	@Timeout(15)
	void headIsReadWithoutWaitingForThePublisherThatHoldsTheStream() throws Exception {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		appendAll(stream, 3);
		CountDownLatch locked = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		Future<?> holder = this.executor.submit(() -> {
			synchronized (stream) {
				locked.countDown();
				release.await();
			}
			return null;
		});
		try {
			assertThat(locked.await(5, TimeUnit.SECONDS)).isTrue();
			Future<Long> head = this.executor.submit(stream::head);
			assertThat(head.get(5, TimeUnit.SECONDS)).isEqualTo(3);
		}
		finally {
			release.countDown();
		}
		holder.get(5, TimeUnit.SECONDS);
	}

	@Test
	void payloadThatCannotBeEncodedFailsTheAppendAndTakesNoCursor() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		RecordingListener listener = new RecordingListener();
		attach(stream, null, listener);
		StepVerifier.create(stream.append(JsonNodeFactory.instance.pojoNode(new Unwritable()), null))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("chat:room-42"))
			.verify(TIMEOUT);
		assertThat(stream.head()).isZero();
		assertThat(listener.frames()).isEmpty();
		assertThat(append(stream, 1).cursor()).isEqualTo(1);
	}

	@Test
	void frameJsonWithItsCursorAddedIsTheCodecsEncodingOfTheFrame() {
		InMemoryChannelStream stream = stream(16, LONG_TTL);
		io.pushwire.core.ProtocolCodec codec = new io.pushwire.core.ProtocolCodec();
		List<StoredFrame> frames = new ArrayList<>();
		frames.add(stream.append(IntNode.valueOf(1), "6b1f0000-0000-4000-8000-000000000000").block(TIMEOUT));
		frames.add(stream.append(JsonNodeFactory.instance.nullNode(), null).block(TIMEOUT));
		frames.add(stream.append(JsonNodeFactory.instance.objectNode().put("text", "h\u00e9 \"quoted\""), "x\"y")
			.block(TIMEOUT));
		for (int i = 0; i < 9; i++) {
			frames.add(append(stream, i));
		}
		for (StoredFrame frame : frames) {
			assertThat(new String(frame.encoded(codec), java.nio.charset.StandardCharsets.UTF_8))
				.isEqualTo(codec.encode(frame.toFrame()));
			assertThat(frame.encodedSize()).isEqualTo(frame.encoded(codec).length);
		}
	}

	private InMemoryChannelStream stream(int historySize, Duration historyTtl) {
		return new InMemoryChannelStream("chat:room-42", historySize, historyTtl, this.clock, () -> {
			throw new AssertionError("Not retired, so no successor is needed");
		});
	}

	static StoredFrame append(ChannelStream stream, int payload) {
		StoredFrame frame = stream.append(IntNode.valueOf(payload), null).block(TIMEOUT);
		assertThat(frame).isNotNull();
		return frame;
	}

	static StoredFrame append(ChannelStream stream, String payload) {
		StoredFrame frame = stream.append(tools.jackson.databind.node.StringNode.valueOf(payload), null).block(TIMEOUT);
		assertThat(frame).isNotNull();
		return frame;
	}

	static void appendAll(ChannelStream stream, int count) {
		for (int i = 0; i < count; i++) {
			append(stream, i);
		}
	}

	static Attachment attach(ChannelStream stream, Position from, StreamListener listener) {
		Attachment attachment = stream.attach(from, listener).block(TIMEOUT);
		assertThat(attachment).isNotNull();
		return attachment;
	}

	static long[] cursors(List<StoredFrame> frames) {
		return frames.stream().mapToLong(StoredFrame::cursor).toArray();
	}

	/** A value that Jackson cannot write. */
	public static final class Unwritable {

		public String getValue() {
			throw new IllegalStateException("cannot be written");
		}

	}

	/**
	 * Publishes a reply to another stream once both repliers are inside their callbacks.
	 */
	private static final class Replier extends RecordingListener {

		private final CyclicBarrier barrier;

		private final ChannelStream other;

		Replier(CyclicBarrier barrier, ChannelStream other) {
			this.barrier = barrier;
			this.other = other;
		}

		@Override
		public void onFrame(StoredFrame frame) {
			super.onFrame(frame);
			if (frame.payload().intValue() == 1) {
				try {
					this.barrier.await(5, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
				append(this.other, 2);
			}
		}

	}

	private record Attached(Attachment attachment, RecordingListener listener) {
	}

	/** Records what a stream gives it; safe to read from any thread. */
	static class RecordingListener implements StreamListener {

		private final List<StoredFrame> frames = Collections.synchronizedList(new ArrayList<>());

		private final List<byte[]> transients = Collections.synchronizedList(new ArrayList<>());

		@Override
		public void onFrame(StoredFrame frame) {
			this.frames.add(frame);
		}

		@Override
		public void onTransient(String channel, PreparedMessage frame) {
			byte[] json = PreparedMessages.json(frame);
			assertThat(channel).isNotEmpty();
			this.transients.add(json);
		}

		List<StoredFrame> frames() {
			synchronized (this.frames) {
				return List.copyOf(this.frames);
			}
		}

		long[] cursors() {
			return InMemoryChannelStreamTests.cursors(frames());
		}

		List<byte[]> transients() {
			synchronized (this.transients) {
				return List.copyOf(this.transients);
			}
		}

	}

}

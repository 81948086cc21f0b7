package io.pushwire.server.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.POJONode;

import io.pushwire.core.CloseReason;
import io.pushwire.core.CountingBinaryFormat;
import io.pushwire.core.Frame;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.PreparedMessages;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.SystemOp;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Tests for {@link OutboundQueue}.
 */
class OutboundQueueTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final ProtocolCodec codec = new ProtocolCodec();

	private final RecordingPressure pressure = new RecordingPressure();

	private final AtomicLong nanoTime = new AtomicLong(1_000_000_000L);

	private final byte[] ping = this.codec.encodeToUtf8(new SystemOp.Ping());

	private final byte[] goodbye = this.codec.encodeToUtf8(SystemOp.Goodbye.of(CloseReason.SLOW_CONSUMER));

	@Test
	void opsGoFirstThenHighNormalAndLowFrames() {
		OutboundQueue queue = queue(1 << 20);
		StoredFrame low = frame("audit", 1);
		StoredFrame normal = frame("chat", 1);
		StoredFrame high = frame("alerts", 1);
		assertThat(queue.offerFrame(low, Priority.LOW)).isTrue();
		assertThat(queue.offerFrame(normal, Priority.NORMAL)).isTrue();
		assertThat(queue.offerFrame(high, Priority.HIGH)).isTrue();
		assertThat(queue.offerOp(this.ping)).isTrue();
		StepVerifier.create(queue.deliveries(), 0).thenRequest(4).assertNext((delivery) -> {
			assertThat(delivery.op()).isTrue();
			assertThat(delivery.bytes()).isSameAs(this.ping);
			assertThat(delivery.frame()).isNull();
		})
			.assertNext((delivery) -> assertFrame(delivery, high))
			.assertNext((delivery) -> assertFrame(delivery, normal))
			.assertNext((delivery) -> assertFrame(delivery, low))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void aBinaryConnectionQueuesFramesTransientsAndOpsInItsFormatAsBinaryMessages() {
		CountingBinaryFormat binary = new CountingBinaryFormat(1);
		OutboundQueue queue = new OutboundQueue(1 << 20, binary, this.pressure, this.nanoTime::get);
		StoredFrame live = frame("chat", 1);
		StoredFrame replayed = frame("chat", 2);
		PreparedMessage fleeting = PreparedMessage.of(this.codec, new Frame("chat", null, IntNode.valueOf(7), null));
		byte[] op = binary.toBytes(new SystemOp.Ping());
		queue.offerFrame(live, Priority.NORMAL);
		queue.offerTransient(fleeting, Priority.NORMAL);
		queue.offerReplay(List.of(replayed), Priority.NORMAL);
		queue.offerOp(op);
		assertThat(queue.queuedBytes())
			.isEqualTo(live.encoded(binary).length + fleeting.encoded(binary).length + op.length);
		StepVerifier.create(queue.deliveries())
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(op))
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(live.encoded(binary)))
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(fleeting.encoded(binary)))
			.assertNext((delivery) -> {
				assertThat(delivery.bytes()).isSameAs(replayed.encoded(binary));
				assertThat(delivery.frame()).isSameAs(replayed);
			})
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(binary.encodings()).as("the op, and each frame once").isEqualTo(4);
	}

	@Test
	void everyDeliveryOfABinaryConnectionIsBinaryAndOfAJsonConnectionText() {
		CountingBinaryFormat binary = new CountingBinaryFormat(1);
		OutboundQueue binaryQueue = new OutboundQueue(1 << 20, binary, this.pressure, this.nanoTime::get);
		OutboundQueue jsonQueue = queue(1 << 20);
		for (OutboundQueue queue : List.of(binaryQueue, jsonQueue)) {
			queue.offerFrame(frame("chat", 1), Priority.NORMAL);
			queue.offerBatch(
					List.of(frame("chat", 2),
							new StreamListener.Transient("chat",
									PreparedMessage.of(this.codec, new Frame("chat", null, IntNode.valueOf(3), null)))),
					Priority.NORMAL);
			queue.offerReplay(List.of(frame("news", 1)), Priority.LOW);
			queue.offerOp(queue.format().toBytes(new SystemOp.Ping()));
			queue.offerOpBehind(queue.format().toBytes(new SystemOp.Pong()), Priority.LOW);
		}
		StepVerifier.create(binaryQueue.deliveries())
			.recordWith(ArrayList::new)
			.expectNextCount(6)
			.consumeRecordedWith((deliveries) -> assertThat(deliveries).allMatch(Delivery::binary))
			.then(() -> binaryQueue.finish(binary.toBytes(SystemOp.Goodbye.of(CloseReason.SHUTDOWN))))
			.assertNext((goodbye) -> assertThat(goodbye.binary()).isTrue())
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(jsonQueue.deliveries())
			.recordWith(ArrayList::new)
			.expectNextCount(6)
			.consumeRecordedWith((deliveries) -> assertThat(deliveries).noneMatch(Delivery::binary))
			.then(() -> jsonQueue.finish(this.goodbye))
			.assertNext((goodbye) -> assertThat(goodbye.binary()).isFalse())
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void higherLaneOfferedLaterOvertakesWaitingLowerLane() {
		OutboundQueue queue = queue(1 << 20);
		queue.offerFrame(frame("audit", 1), Priority.LOW);
		queue.offerFrame(frame("audit", 2), Priority.LOW);
		StepVerifier.create(queue.deliveries(), 0)
			.thenRequest(1)
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("audit#1"))
			.then(() -> queue.offerFrame(frame("chat", 1), Priority.NORMAL))
			.then(() -> queue.offerOp(this.ping))
			.thenRequest(3)
			.expectNextMatches((delivery) -> delivery.op())
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("chat#1"))
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("audit#2"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void opQueuedBehindALaneFollowsTheFramesQueuedThereAndAbove() {
		OutboundQueue queue = queue(1 << 20);
		byte[] unsubscribed = this.codec.encodeToUtf8(new SystemOp.Unsubscribed(List.of("chat")));
		queue.offerFrame(frame("audit", 1), Priority.LOW);
		queue.offerFrame(frame("chat", 1), Priority.NORMAL);
		queue.offerReplay(List.of(frame("chat", 2), frame("chat", 3)), Priority.NORMAL);
		queue.offerFrame(frame("alerts", 1), Priority.HIGH);
		assertThat(queue.offerOpBehind(unsubscribed, Priority.NORMAL)).isTrue();
		queue.offerFrame(frame("audit", 2), Priority.LOW);
		queue.offerOp(this.ping);
		assertThat(queue.queuedBytes()).isEqualTo(frame("audit", 1).encoded(this.codec).length
				+ frame("chat", 1).encoded(this.codec).length + frame("alerts", 1).encoded(this.codec).length
				+ unsubscribed.length + frame("audit", 2).encoded(this.codec).length + this.ping.length);
		List<String> labels = new ArrayList<>();
		StepVerifier.create(queue.deliveries())
			.recordWith(ArrayList::new)
			.expectNextCount(8)
			.consumeRecordedWith((deliveries) -> deliveries.forEach((delivery) -> labels.add(label(delivery))))
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(labels).containsExactly("op:" + new String(this.ping), "alerts#1", "chat#1", "chat#2", "chat#3",
				"op:" + new String(unsubscribed), "audit#1", "audit#2");
	}

	@Test
	void laneIsFifoAcrossFramesAndTransients() {
		OutboundQueue queue = queue(1 << 20);
		byte[] transientJson = "{\"channel\":\"chat\",\"payload\":0}".getBytes();
		queue.offerFrame(frame("chat", 1), Priority.NORMAL);
		queue.offerTransient(PreparedMessages.ofJson(transientJson), Priority.NORMAL);
		queue.offerFrame(frame("chat", 2), Priority.NORMAL);
		queue.offerFrame(frame("news", 1), Priority.NORMAL);
		queue.offerFrame(frame("chat", 3), Priority.NORMAL);
		List<String> labels = new ArrayList<>();
		StepVerifier.create(queue.deliveries())
			.recordWith(ArrayList::new)
			.expectNextCount(5)
			.consumeRecordedWith((deliveries) -> deliveries.forEach((delivery) -> labels.add(label(delivery))))
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(labels).containsExactly("chat#1", "transient:" + new String(transientJson), "chat#2", "news#1",
				"chat#3");
	}

	@Test
	void emitsNoMoreThanRequested() {
		OutboundQueue queue = queue(1 << 20);
		byte[] first = bytes(10);
		byte[] second = bytes(20);
		byte[] third = bytes(30);
		queue.offerTransient(PreparedMessages.ofJson(first), Priority.NORMAL);
		queue.offerTransient(PreparedMessages.ofJson(second), Priority.NORMAL);
		StepVerifier.create(queue.deliveries(), 0)
			.expectSubscription()
			.then(() -> assertThat(queue.queuedBytes()).isEqualTo(30))
			.thenRequest(1)
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(first))
			.then(() -> assertThat(queue.queuedBytes()).isEqualTo(20))
			.then(() -> queue.offerTransient(PreparedMessages.ofJson(third), Priority.NORMAL))
			.then(() -> assertThat(queue.queuedBytes()).isEqualTo(50))
			.thenRequest(1)
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(second))
			.then(() -> assertThat(queue.queuedBytes()).isEqualTo(30))
			.thenRequest(5)
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(third))
			.then(() -> queue.offerOp(this.ping))
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(this.ping))
			.then(() -> assertThat(queue.queuedBytes()).isZero())
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void slowIsToldOncePastHalfFull() {
		OutboundQueue queue = queue(1000);
		assertThat(queue.offerTransient(PreparedMessages.ofJson(bytes(500)), Priority.NORMAL)).isTrue();
		assertThat(this.pressure.slows).isEmpty();
		assertThat(queue.offerTransient(PreparedMessages.ofJson(bytes(1)), Priority.NORMAL)).isTrue();
		assertThat(this.pressure.slows).containsExactly(499L);
		assertThat(queue.offerTransient(PreparedMessages.ofJson(bytes(200)), Priority.NORMAL)).isTrue();
		assertThat(queue.offerOp(bytes(200))).isTrue();
		assertThat(this.pressure.slows).containsExactly(499L);
		assertThat(this.pressure.fulls).isZero();
	}

	@Test
	void slowIsToldAgainOnlyAfterDrainingBelowQuarter() {
		OutboundQueue queue = queue(1000);
		queue.offerTransient(PreparedMessages.ofJson(bytes(260)), Priority.NORMAL);
		queue.offerTransient(PreparedMessages.ofJson(bytes(250)), Priority.NORMAL);
		assertThat(this.pressure.slows).containsExactly(490L);
		StepVerifier.create(queue.deliveries(), 0)
			.thenRequest(1)
			.expectNextCount(1)
			// 250 left: a quarter, not below it.
			.then(() -> queue.offerTransient(PreparedMessages.ofJson(bytes(260)), Priority.NORMAL))
			.then(() -> assertThat(this.pressure.slows).containsExactly(490L))
			.thenRequest(1)
			.expectNextCount(1)
			// 260 left.
			.thenRequest(1)
			.expectNextCount(1)
			.then(() -> assertThat(queue.queuedBytes()).isZero())
			.then(() -> queue.offerTransient(PreparedMessages.ofJson(bytes(501)), Priority.NORMAL))
			.then(() -> assertThat(this.pressure.slows).containsExactly(490L, 499L))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void offerPastBoundIsRefusedAndFullIsTold() {
		OutboundQueue queue = queue(100);
		assertThat(queue.offerTransient(PreparedMessages.ofJson(bytes(60)), Priority.NORMAL)).isTrue();
		assertThat(queue.offerTransient(PreparedMessages.ofJson(bytes(41)), Priority.NORMAL)).isFalse();
		assertThat(this.pressure.fulls).isOne();
		assertThat(queue.queuedBytes()).isEqualTo(60);
		assertThat(queue.offerTransient(PreparedMessages.ofJson(bytes(40)), Priority.NORMAL)).as("exactly at the bound")
			.isTrue();
		assertThat(queue.queuedBytes()).isEqualTo(100);
		assertThat(queue.offerOp(bytes(1))).isFalse();
		assertThat(queue.offerFrame(frame("chat", 1), Priority.HIGH)).isFalse();
		assertThat(this.pressure.fulls).isEqualTo(3);
		assertThat(queue.queuedBytes()).isEqualTo(100);
		StepVerifier.create(queue.deliveries())
			.assertNext((delivery) -> assertThat(delivery.bytes()).hasSize(60))
			.assertNext((delivery) -> assertThat(delivery.bytes()).hasSize(40))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void messageLargerThanBoundIsRefusedEvenWhenEmpty() {
		OutboundQueue queue = queue(100);
		assertThat(queue.offerOp(bytes(101))).isFalse();
		assertThat(this.pressure.fulls).isOne();
		assertThat(queue.queuedBytes()).isZero();
		assertThat(queue.stalledNanos()).isZero();
	}

	@Test
	void replayIsNotCountedAgainstBound() {
		OutboundQueue queue = queue(100);
		List<StoredFrame> replay = List.of(frame("chat", 1), frame("chat", 2), frame("chat", 3), frame("chat", 4));
		assertThat(replay.stream().mapToInt((frame) -> frame.encoded(this.codec).length).sum()).isGreaterThan(100);
		queue.offerReplay(replay, Priority.NORMAL);
		assertThat(queue.queuedBytes()).isZero();
		assertThat(queue.offerTransient(PreparedMessages.ofJson(bytes(100)), Priority.LOW)).isTrue();
		assertThat(this.pressure.fulls).isZero();
		assertThat(this.pressure.slows).containsExactly(0L);
		StepVerifier.create(queue.deliveries())
			.assertNext((delivery) -> assertFrame(delivery, replay.get(0)))
			.assertNext((delivery) -> assertFrame(delivery, replay.get(1)))
			.assertNext((delivery) -> assertFrame(delivery, replay.get(2)))
			.assertNext((delivery) -> assertFrame(delivery, replay.get(3)))
			.assertNext((delivery) -> assertThat(delivery.bytes()).hasSize(100))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void replayKeepsItsPlaceInItsLane() {
		OutboundQueue queue = queue(1 << 20);
		queue.offerFrame(frame("news", 7), Priority.NORMAL);
		queue.offerReplay(List.of(frame("chat", 1), frame("chat", 2), frame("chat", 3)), Priority.NORMAL);
		queue.offerFrame(frame("chat", 4), Priority.NORMAL);
		queue.offerReplay(List.of(), Priority.NORMAL);
		queue.offerReplay(List.of(frame("audit", 1), frame("audit", 2)), Priority.LOW);
		StepVerifier.create(queue.deliveries(), 0)
			.thenRequest(2)
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("news#7"))
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("chat#1"))
			// A higher lane overtakes a replay in progress; the replay then goes on where
			// it was.
			.then(() -> queue.offerFrame(frame("alerts", 1), Priority.HIGH))
			.thenRequest(6)
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("alerts#1"))
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("chat#2"))
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("chat#3"))
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("chat#4"))
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("audit#1"))
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("audit#2"))
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void finishDropsQueuedFramesButWritesQueuedOpsBeforeTheLastMessage() {
		OutboundQueue queue = queue(1 << 20);
		queue.offerOp(this.ping);
		queue.offerFrame(frame("chat", 1), Priority.NORMAL);
		queue.offerReplay(List.of(frame("chat", 2)), Priority.LOW);
		queue.finish(this.goodbye);
		assertThat(queue.isFinished()).isTrue();
		assertThat(queue.queuedBytes()).isEqualTo(this.ping.length);
		StepVerifier.create(queue.deliveries())
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(this.ping))
			.assertNext((delivery) -> {
				assertThat(delivery.bytes()).isSameAs(this.goodbye);
				assertThat(delivery.op()).isTrue();
				assertThat(delivery.frame()).isNull();
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void finishWaitsForDemandToWriteLastMessageAndComplete() {
		OutboundQueue queue = queue(1 << 20);
		queue.offerFrame(frame("chat", 1), Priority.NORMAL);
		queue.offerFrame(frame("chat", 2), Priority.NORMAL);
		StepVerifier.create(queue.deliveries(), 0)
			.thenRequest(1)
			.assertNext((delivery) -> assertThat(label(delivery)).isEqualTo("chat#1"))
			.then(() -> queue.finish(this.goodbye))
			.then(() -> assertThat(queue.queuedBytes()).isZero())
			.thenRequest(1)
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(this.goodbye))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void finishWithoutLastMessageCompletesWithoutDemand() {
		OutboundQueue queue = queue(1 << 20);
		queue.offerOp(this.ping);
		StepVerifier.create(queue.deliveries(), 0)
			.expectSubscription()
			.then(() -> queue.finish(null))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void finishWhileSubscribedWithDemandWritesLastMessageAndCompletes() {
		OutboundQueue queue = queue(1 << 20);
		StepVerifier.create(queue.deliveries())
			.then(() -> queue.offerOp(this.ping))
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(this.ping))
			.then(() -> queue.finish(this.goodbye))
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(this.goodbye))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aWriterGetsBatchesWhileReadyAndIsFlushedOncePerBatch() {
		OutboundQueue queue = queue(1 << 20);
		List<Object> events = new ArrayList<>();
		AtomicInteger room = new AtomicInteger(2);
		queue.writeTo(new OutboundQueue.Writer() {
			@Override
			public boolean ready() {
				return room.get() > 0;
			}

			@Override
			public void write(Delivery delivery) {
				room.decrementAndGet();
				events.add(delivery.frame().cursor());
			}

			@Override
			public void flush() {
				events.add("flush");
			}

			@Override
			public void complete() {
				events.add("complete");
			}
		});
		assertThat(queue.offerBatch(List.of(frame("chat", 1), frame("chat", 2), frame("chat", 3)), Priority.NORMAL))
			.isTrue();
		assertThat(events).containsExactly(1L, 2L, "flush");
		room.set(10);
		queue.resume();
		queue.finish(null);
		assertThat(events).containsExactly(1L, 2L, "flush", 3L, "flush", "complete");
	}

	@Test
	void aMessageTheWriterFailsOnIsDroppedAndTheQueueKeepsWriting() {
		OutboundQueue queue = queue(1 << 20);
		byte[] poison = "poison".getBytes();
		List<String> written = new ArrayList<>();
		queue.writeTo(new FailingWriter(written, poison));
		queue.offerTransient(PreparedMessages.ofJson("a".getBytes()), Priority.NORMAL);
		Throwable thrown = catchThrowable(() -> queue.offerTransient(PreparedMessages.ofJson(poison), Priority.NORMAL));
		queue.offerTransient(PreparedMessages.ofJson("b".getBytes()), Priority.NORMAL);
		queue.finish(null);
		assertThat(written).containsExactly("a", "flush", "flush", "b", "flush", "complete");
		assertThat(thrown).as("the offering thread (a publisher) is not failed").isNull();
	}

	@Test
	void aMessageTheWriterFailsOnInTheMiddleOfABatchDoesNotStrandTheRest() {
		OutboundQueue queue = queue(1 << 20);
		byte[] poison = "poison".getBytes();
		queue.offerTransient(PreparedMessages.ofJson("a".getBytes()), Priority.NORMAL);
		queue.offerTransient(PreparedMessages.ofJson(poison), Priority.NORMAL);
		queue.offerTransient(PreparedMessages.ofJson("b".getBytes()), Priority.NORMAL);
		List<String> written = new ArrayList<>();
		queue.writeTo(new FailingWriter(written, poison));
		assertThat(written).containsExactly("a", "b", "flush");
		assertThat(queue.queuedBytes()).isZero();
	}

	@Test
	void aLastMessageTheWriterFailsOnStillCompletes() {
		OutboundQueue queue = queue(1 << 20);
		List<String> written = new ArrayList<>();
		queue.writeTo(new FailingWriter(written, this.goodbye));
		queue.offerOp(this.ping);
		queue.finish(this.goodbye);
		assertThat(written).containsExactly(new String(this.ping), "flush", "flush", "complete");
	}

	@Test
	void aReplayedFrameThatCannotBeEncodedIsDroppedAndTheRestIsWritten() {
		OutboundQueue queue = queue(1 << 20);
		StoredFrame unencodable = new StoredFrame("chat", 2, "Xb3kQ1pz", new POJONode(new Unserializable()), null, 0);
		queue.offerReplay(List.of(frame("chat", 1), unencodable, frame("chat", 3)), Priority.NORMAL);
		List<String> written = new ArrayList<>();
		queue.writeTo(new FailingWriter(written, null));
		assertThat(written).containsExactly("chat#1", "chat#3", "flush");
	}

	@Test
	void aDrainRejectedByItsExecutorLeavesNoFlagStuck() {
		OutboundQueue queue = queue(1 << 20);
		List<Runnable> tasks = new ArrayList<>();
		AtomicBoolean shuttingDown = new AtomicBoolean(true);
		queue.drainOn((task) -> {
			if (shuttingDown.get()) {
				throw new RejectedExecutionException("event loop shutting down");
			}
			tasks.add(task);
		});
		List<String> written = new ArrayList<>();
		Throwable thrown = catchThrowable(() -> queue.writeTo(new FailingWriter(written, null)));
		shuttingDown.set(false);
		queue.offerTransient(PreparedMessages.ofJson("a".getBytes()), Priority.NORMAL);
		assertThat(tasks).as("a drain is scheduled again").hasSize(1);
		tasks.remove(0).run();
		assertThat(written).containsExactly("a", "flush");
		assertThat(thrown).isNull();
	}

	@Test
	void offersAfterFinishAreRefusedWithoutTellingFull() {
		OutboundQueue queue = queue(1 << 20);
		queue.finish(this.goodbye);
		assertThat(queue.offerOp(this.ping)).isFalse();
		assertThat(queue.offerFrame(frame("chat", 1), Priority.HIGH)).isFalse();
		assertThat(queue.offerTransient(PreparedMessages.ofJson(bytes(10)), Priority.LOW)).isFalse();
		queue.offerReplay(List.of(frame("chat", 1)), Priority.NORMAL);
		queue.finish(this.ping);
		assertThat(this.pressure.fulls).isZero();
		assertThat(queue.queuedBytes()).isZero();
		StepVerifier.create(queue.deliveries())
			.assertNext((delivery) -> assertThat(delivery.bytes()).isSameAs(this.goodbye))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	@Timeout(15)
	void concurrentOffersAreEachDeliveredOnceInOrderPerProducer() {
		int producers = 4;
		int perProducer = 2_000;
		OutboundQueue queue = queue(1 << 24);
		ExecutorService executor = Executors.newFixedThreadPool(producers);
		try {
			StepVerifier.create(queue.deliveries().limitRate(16).take(producers * perProducer)).then(() -> {
				for (int p = 0; p < producers; p++) {
					int producer = p;
					executor.execute(() -> {
						for (int i = 0; i < perProducer; i++) {
							byte[] json = (producer + ":" + i).getBytes();
							assertThat(queue.offerTransient(PreparedMessages.ofJson(json), Priority.NORMAL)).isTrue();
						}
					});
				}
			}).recordWith(ArrayList::new).expectNextCount(producers * perProducer).consumeRecordedWith((deliveries) -> {
				int[] next = new int[producers];
				for (Delivery delivery : deliveries) {
					String[] parts = new String(delivery.bytes()).split(":");
					int producer = Integer.parseInt(parts[0]);
					assertThat(Integer.parseInt(parts[1])).isEqualTo(next[producer]++);
				}
				assertThat(next).containsOnly(perProducer);
			}).expectComplete().verify(Duration.ofSeconds(10));
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.pressure.fulls).isZero();
	}

	@Test
	void stalledNanosIsZeroWhenEmpty() {
		OutboundQueue queue = queue(1 << 20);
		assertThat(queue.stalledNanos()).isZero();
		advance(Duration.ofMinutes(1));
		assertThat(queue.stalledNanos()).isZero();
	}

	@Test
	void stalledNanosCountsFromOfferUntilTransportTakesOne() {
		OutboundQueue queue = queue(1 << 20);
		advance(Duration.ofMinutes(1));
		queue.offerOp(this.ping);
		queue.offerOp(this.ping);
		advance(Duration.ofSeconds(3));
		queue.offerOp(this.ping);
		assertThat(queue.stalledNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(3));
		StepVerifier.create(queue.deliveries(), 0)
			.then(() -> advance(Duration.ofSeconds(2)))
			.then(() -> assertThat(queue.stalledNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(5)))
			.thenRequest(1)
			.expectNextCount(1)
			.then(() -> advance(Duration.ofSeconds(1)))
			.then(() -> assertThat(queue.stalledNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(1)))
			.thenRequest(2)
			.expectNextCount(2)
			.then(() -> assertThat(queue.stalledNanos()).isZero())
			.thenCancel()
			.verify(TIMEOUT);
	}

	@Test
	void stalledNanosOfReplayQueuedInIdleQueueCountsFromReplay() {
		OutboundQueue queue = queue(1 << 20);
		advance(Duration.ofMinutes(1));
		queue.offerReplay(List.of(frame("chat", 1), frame("chat", 2)), Priority.NORMAL);
		assertThat(queue.stalledNanos()).isZero();
		advance(Duration.ofSeconds(2));
		assertThat(queue.stalledNanos()).isEqualTo(TimeUnit.SECONDS.toNanos(2));
	}

	private OutboundQueue queue(long maxBytes) {
		return new OutboundQueue(maxBytes, this.codec, this.pressure, this.nanoTime::get);
	}

	private void advance(Duration duration) {
		this.nanoTime.addAndGet(duration.toNanos());
	}

	private StoredFrame frame(String channel, long cursor) {
		return new StoredFrame(channel, cursor, "Xb3kQ1pz", IntNode.valueOf((int) cursor), null, 0);
	}

	private void assertFrame(Delivery delivery, StoredFrame frame) {
		assertThat(delivery.op()).isFalse();
		assertThat(delivery.frame()).isSameAs(frame);
		assertThat(delivery.bytes()).isSameAs(frame.encoded(this.codec));
		assertThat(this.codec.decode(new String(delivery.bytes()))).isEqualTo(frame.toFrame());
	}

	/**
	 * The queue counts bytes and never reads them, so any content of the right size will
	 * do.
	 */
	private static byte[] bytes(int size) {
		return new byte[size];
	}

	private static String label(Delivery delivery) {
		if (delivery.frame() != null) {
			return delivery.frame().channel() + "#" + delivery.frame().cursor();
		}
		return (delivery.op() ? "op:" : "transient:") + new String(delivery.bytes());
	}

	/** Records what is written (frames as channel#cursor); fails on one message. */
	private record FailingWriter(List<String> written, byte @Nullable [] poison) implements OutboundQueue.Writer {

		@Override
		public boolean ready() {
			return true;
		}

		@Override
		public void write(Delivery delivery) {
			if (delivery.bytes() == this.poison) {
				throw new IllegalStateException("cannot write this one");
			}
			this.written.add((delivery.frame() != null) ? delivery.frame().channel() + "#" + delivery.frame().cursor()
					: new String(delivery.bytes()));
		}

		@Override
		public void flush() {
			this.written.add("flush");
		}

		@Override
		public void complete() {
			this.written.add("complete");
		}

	}

	/** A payload the codec cannot encode: its getter throws. */
	public static final class Unserializable {

		public String getValue() {
			throw new IllegalStateException("not serializable");
		}

	}

	private static final class RecordingPressure implements OutboundQueue.Pressure {

		private final List<Long> slows = new ArrayList<>();

		private int fulls;

		@Override
		public synchronized void slow(long freeBytes) {
			this.slows.add(freeBytes);
		}

		@Override
		public synchronized void full() {
			this.fulls++;
		}

	}

}

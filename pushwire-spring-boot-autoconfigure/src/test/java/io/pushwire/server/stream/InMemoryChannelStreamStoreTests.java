package io.pushwire.server.stream;

import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.ResumeToken.Position;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.stream.InMemoryChannelStreamTests.RecordingListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link InMemoryChannelStreamStore}.
 */
class InMemoryChannelStreamStoreTests {

	private static final ChannelName ROOM = ChannelName.parse("chat:room-42");

	private final MutableClock clock = new MutableClock();

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	private final InMemoryChannelStreamStore store = new InMemoryChannelStreamStore(this.clock, Duration.ofSeconds(30),
			this.scheduler);

	private final ChannelKind chat = ChannelKind.builder("chat")
		.historySize(3)
		.historyTtl(Duration.ofMinutes(1))
		.build();

	@AfterEach
	void disposeStore() {
		this.store.dispose();
		this.scheduler.dispose();
	}

	@Test
	void streamIsCreatedOnFirstUseAndThenFound() {
		assertThat(this.store.find("chat:room-42")).isNull();
		assertThat(this.store.size()).isZero();
		ChannelStream stream = this.store.stream(ROOM, this.chat);
		assertThat(stream.channel()).isEqualTo("chat:room-42");
		assertThat(this.store.stream(ROOM, this.chat)).isSameAs(stream);
		assertThat(this.store.find("chat:room-42")).isSameAs(stream);
		assertThat(this.store.find("chat:room-43")).isNull();
		assertThat(this.store.size()).isOne();
	}

	@Test
	void eachChannelHasItsOwnStreamAndEpoch() {
		ChannelStream room = this.store.stream(ROOM, this.chat);
		ChannelStream other = this.store.stream(ChannelName.parse("chat:room-43"), this.chat);
		assertThat(other).isNotSameAs(room);
		assertThat(epoch(other)).isNotEqualTo(epoch(room));
		InMemoryChannelStreamTests.appendAll(room, 2);
		assertThat(InMemoryChannelStreamTests.append(other, 1).cursor()).isEqualTo(1);
		assertThat(this.store.size()).isEqualTo(2);
	}

	@Test
	void streamUsesItsKindsHistorySizeAndTtl() {
		ChannelStream stream = this.store.stream(ROOM, this.chat);
		InMemoryChannelStreamTests.appendAll(stream, 5);
		assertThat(InMemoryChannelStreamTests.cursors(
				InMemoryChannelStreamTests.attach(stream, new Position(0, null), new RecordingListener()).replay()))
			.containsExactly(3, 4, 5);
		this.clock.advance(Duration.ofMinutes(1).plusMillis(1));
		assertThat(InMemoryChannelStreamTests.attach(stream, new Position(5, null), new RecordingListener()).replay())
			.isEmpty();
		assertThat(InMemoryChannelStreamTests.attach(stream, new Position(4, null), new RecordingListener())
			.plan()
			.resumeRequired()).isTrue();
	}

	@Test
	void sweepRemovesStreamWithoutListenerAndWithEmptyWindow() {
		ChannelStream stream = this.store.stream(ROOM, this.chat);
		InMemoryChannelStreamTests.appendAll(stream, 2);
		this.clock.advance(Duration.ofMinutes(2));
		sweepTwice();
		assertThat(this.store.find("chat:room-42")).isNull();
		assertThat(this.store.size()).isZero();
		ChannelStream next = this.store.stream(ROOM, this.chat);
		assertThat(next).isNotSameAs(stream);
		// Its tombstone carries the epoch and head on: nothing was lost that a client
		// could still resume.
		assertThat(epoch(next)).isEqualTo(epoch(stream));
		assertThat(head(next)).isEqualTo(2);
		assertThat(InMemoryChannelStreamTests.append(next, 3).cursor()).isEqualTo(3);
	}

	@Test
	void retiredStreamLeavesATombstoneSoThatAClientThatHadEverythingResumesWithoutResumeRequired() {
		ChannelStream stream = this.store.stream(ROOM, this.chat);
		InMemoryChannelStreamTests.appendAll(stream, 3);
		this.clock.advance(Duration.ofMinutes(2));
		sweepTwice();
		ChannelStream next = this.store.stream(ROOM, this.chat);
		Attachment hadEverything = InMemoryChannelStreamTests.attach(next, new Position(3, epoch(stream)),
				new RecordingListener());
		assertThat(hadEverything.plan().resumeRequired()).isFalse();
		assertThat(hadEverything.plan().after()).isEqualTo(3);
		Attachment missedOne = InMemoryChannelStreamTests.attach(next, new Position(2, epoch(stream)),
				new RecordingListener());
		assertThat(missedOne.plan().resumeRequired()).isTrue();
		assertThat(missedOne.plan().fromCursor()).isEqualTo(4);
	}

	@Test
	void tombstonesAreBoundedByMaxChannels() {
		InMemoryChannelStreamStore bounded = new InMemoryChannelStreamStore(this.clock, Duration.ofSeconds(30),
				this.scheduler, new ProtocolCodec(), Long.MAX_VALUE, 2);
		String firstEpoch = epoch(bounded.stream(ChannelName.parse("chat:a"), this.chat));
		bounded.stream(ChannelName.parse("chat:b"), this.chat);
		bounded.sweep();
		bounded.sweep();
		String[] names = { "chat:c", "chat:d" };
		for (String name : names) {
			bounded.stream(ChannelName.parse(name), this.chat);
		}
		bounded.sweep();
		bounded.sweep();
		assertThat(bounded.size()).isZero();
		// Four retired, two tombstones kept: the oldest was forgotten.
		assertThat(epoch(bounded.stream(ChannelName.parse("chat:a"), this.chat))).isNotEqualTo(firstEpoch);
		bounded.dispose();
	}

	@Test
	void sweepKeepsStreamWithFramesInWindow() {
		ChannelStream stream = this.store.stream(ROOM, this.chat);
		InMemoryChannelStreamTests.appendAll(stream, 1);
		this.clock.advance(Duration.ofSeconds(59));
		this.store.sweep();
		assertThat(this.store.find("chat:room-42")).isSameAs(stream);
	}

	@Test
	void sweepKeepsStreamWithListenerUntilDetached() {
		ChannelStream stream = this.store.stream(ROOM, this.chat);
		Disposable detach = InMemoryChannelStreamTests.attach(stream, null, new RecordingListener()).detach();
		this.store.sweep();
		assertThat(this.store.find("chat:room-42")).isSameAs(stream);
		detach.dispose();
		sweepTwice();
		assertThat(this.store.find("chat:room-42")).isNull();
	}

	@Test
	void sweepRunsEverySweepInterval() {
		this.store.stream(ROOM, this.chat);
		this.scheduler.advanceTimeBy(Duration.ofSeconds(29));
		assertThat(this.store.size()).isOne();
		this.scheduler.advanceTimeBy(Duration.ofSeconds(1));
		assertThat(this.store.size()).as("idle at one sweep: kept").isOne();
		this.scheduler.advanceTimeBy(Duration.ofSeconds(30));
		assertThat(this.store.size()).as("idle at two sweeps in a row: removed").isZero();
	}

	@Test
	void streamFoundIdleByOneSweepIsKeptForItsCaller() {
		ChannelStream stream = this.store.stream(ROOM, this.chat);
		this.store.sweep();
		assertThat(this.store.find("chat:room-42")).isSameAs(stream);
		RecordingListener listener = new RecordingListener();
		InMemoryChannelStreamTests.attach(stream, null, listener);
		sweepTwice();
		assertThat(this.store.find("chat:room-42")).isSameAs(stream);
	}

	@Test
	void retainedFramesStayWithinMaxRetainedBytesByEvictingTheLeastRecentlyPublishedChannels() {
		long max = 4 * 1024 * 1024;
		InMemoryChannelStreamStore bounded = new InMemoryChannelStreamStore(this.clock, Duration.ofSeconds(30),
				this.scheduler, new ProtocolCodec(), max, 100_000);
		ChannelKind big = ChannelKind.builder("chat").historySize(1024).historyTtl(Duration.ofMinutes(10)).build();
		String text = "x".repeat(48 * 1024);
		long frameSize = 0;
		for (int i = 0; i < 150; i++) {
			StoredFrame frame = InMemoryChannelStreamTests
				.append(bounded.stream(ChannelName.parse("chat:room-" + i), big), text);
			frameSize = frame.encoded(new ProtocolCodec()).length;
			assertThat(bounded.retainedBytes()).as("after frame %d", i).isLessThanOrEqualTo(max);
			this.clock.advance(Duration.ofMillis(1));
		}
		long replayed = 0;
		int kept = 0;
		java.util.List<Boolean> resumeRequired = new java.util.ArrayList<>();
		for (int i = 0; i < 150; i++) {
			Attachment attachment = InMemoryChannelStreamTests.attach(
					bounded.stream(ChannelName.parse("chat:room-" + i), big), new Position(0, null),
					new RecordingListener());
			for (StoredFrame frame : attachment.replay()) {
				replayed += frame.encoded(new ProtocolCodec()).length;
				kept++;
			}
			resumeRequired.add(attachment.plan().resumeRequired());
		}
		// The channels published least recently lost their frames, the newest kept them.
		for (int i = 0; i < 150; i++) {
			assertThat(resumeRequired.get(i)).as("resume_required on room-%d", i).isEqualTo(i < 150 - kept);
		}
		assertThat(replayed).isLessThanOrEqualTo(max + frameSize).isEqualTo(bounded.retainedBytes());
		assertThat(kept).isBetween(80, 85);
		bounded.dispose();
	}

	@Test
	void atMaxChannelsTheLeastRecentlyPublishedStreamWithoutListenerIsRetired() {
		InMemoryChannelStreamStore bounded = new InMemoryChannelStreamStore(this.clock, Duration.ofSeconds(30),
				this.scheduler, new ProtocolCodec(), Long.MAX_VALUE, 3);
		ChannelStream listened = bounded.stream(ChannelName.parse("chat:a"), this.chat);
		InMemoryChannelStreamTests.attach(listened, null, new RecordingListener());
		InMemoryChannelStreamTests.appendAll(listened, 1);
		this.clock.advance(Duration.ofMillis(1));
		InMemoryChannelStreamTests.appendAll(bounded.stream(ChannelName.parse("chat:b"), this.chat), 1);
		this.clock.advance(Duration.ofMillis(1));
		InMemoryChannelStreamTests.appendAll(bounded.stream(ChannelName.parse("chat:c"), this.chat), 1);
		bounded.stream(ChannelName.parse("chat:d"), this.chat);
		assertThat(bounded.size()).isLessThanOrEqualTo(3);
		assertThat(bounded.find("chat:a")).as("has a listener").isSameAs(listened);
		assertThat(bounded.find("chat:b")).as("published least recently").isNull();
		assertThat(bounded.find("chat:d")).isNotNull();
		bounded.dispose();
	}

	@Test
	void atMaxChannelsWithEveryStreamListenedToANewChannelIsRefused() {
		InMemoryChannelStreamStore bounded = new InMemoryChannelStreamStore(this.clock, Duration.ofSeconds(30),
				this.scheduler, new ProtocolCodec(), Long.MAX_VALUE, 2);
		InMemoryChannelStreamTests.attach(bounded.stream(ChannelName.parse("chat:a"), this.chat), null,
				new RecordingListener());
		InMemoryChannelStreamTests.attach(bounded.stream(ChannelName.parse("chat:b"), this.chat), null,
				new RecordingListener());
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> bounded.stream(ChannelName.parse("chat:c"), this.chat))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.RATE_LIMITED))
			.withMessageContaining("pushwire.server.max-channels");
		assertThat(bounded.size()).isEqualTo(2);
		bounded.dispose();
	}

	private void sweepTwice() {
		this.store.sweep();
		this.store.sweep();
	}

	@Test
	void disposeStopsSweeping() {
		this.store.stream(ROOM, this.chat);
		this.store.dispose();
		this.scheduler.advanceTimeBy(Duration.ofMinutes(1));
		assertThat(this.store.size()).isOne();
	}

	@Test
	void storeWithDefaultSweepIsDisposable() {
		// VirtualTimeScheduler's periodic tasks never report isDisposed(), so this uses
		// the real default.
		InMemoryChannelStreamStore defaultStore = new InMemoryChannelStreamStore();
		assertThat(defaultStore.isDisposed()).isFalse();
		defaultStore.dispose();
		assertThat(defaultStore.isDisposed()).isTrue();
	}

	@Test
	void appendThroughRetiredStreamGoesToNewStream() {
		ChannelStream stale = this.store.stream(ROOM, this.chat);
		sweepTwice();
		assertThat(this.store.find("chat:room-42")).isNull();
		StoredFrame frame = InMemoryChannelStreamTests.append(stale, 7);
		ChannelStream current = this.store.find("chat:room-42");
		assertThat(current).isNotNull().isNotSameAs(stale);
		assertThat(frame.cursor()).isEqualTo(1);
		assertThat(frame.epoch()).isEqualTo(epoch(current));
		assertThat(head(current)).isEqualTo(1);
		assertThat(InMemoryChannelStreamTests.attach(current, new Position(0, null), new RecordingListener()).replay())
			.containsExactly(frame);
	}

	@Test
	void appendThroughRetiredStreamReachesListenersOfNewStream() {
		ChannelStream stale = this.store.stream(ROOM, this.chat);
		sweepTwice();
		RecordingListener listener = new RecordingListener();
		InMemoryChannelStreamTests.attach(this.store.stream(ROOM, this.chat), null, listener);
		StoredFrame frame = InMemoryChannelStreamTests.append(stale, 7);
		assertThat(listener.frames()).containsExactly(frame);
	}

	@Test
	void attachThroughRetiredStreamAttachesToNewStream() {
		ChannelStream stale = this.store.stream(ROOM, this.chat);
		sweepTwice();
		RecordingListener listener = new RecordingListener();
		Attachment attachment = InMemoryChannelStreamTests.attach(stale, null, listener);
		ChannelStream current = this.store.find("chat:room-42");
		assertThat(current).isNotNull().isNotSameAs(stale);
		assertThat(attachment.plan().epoch()).isEqualTo(epoch(current));
		this.store.sweep();
		assertThat(this.store.find("chat:room-42")).as("has a listener, so kept").isSameAs(current);
		StoredFrame frame = InMemoryChannelStreamTests.append(current, 1);
		assertThat(listener.frames()).containsExactly(frame);
		attachment.detach().dispose();
		InMemoryChannelStreamTests.append(current, 2);
		assertThat(listener.frames()).containsExactly(frame);
	}

	@Test
	void streamRetiredTwiceStillHandsOverToCurrentStream() {
		ChannelStream first = this.store.stream(ROOM, this.chat);
		sweepTwice();
		ChannelStream second = this.store.stream(ROOM, this.chat);
		sweepTwice();
		StoredFrame frame = InMemoryChannelStreamTests.append(first, 1);
		ChannelStream current = this.store.find("chat:room-42");
		assertThat(current).isNotNull().isNotSameAs(first).isNotSameAs(second);
		assertThat(frame.epoch()).isEqualTo(epoch(current));
		assertThat(head(current)).isEqualTo(1);
	}

	@Test
	@Timeout(15)
	void nothingIsLostThroughReferencesToStreamsThatSweepRetiresMeanwhile() throws Exception {
		// No history, so a sweep retires every stream that has no listener at that
		// moment.
		ChannelKind noHistory = ChannelKind.builder("chat").historySize(0).build();
		int channels = 32;
		int iterations = 500;
		CyclicBarrier barrier = new CyclicBarrier(2);
		ExecutorService executor = Executors.newSingleThreadExecutor();
		int handedOver = 0;
		try {
			// One sweep per iteration, racing the attachments through references looked
			// up before it. (A
			// sweeper that never paused could retire each new stream before its caller
			// gets to it, again and
			// again; the 30 second production cadence cannot.)
			Future<?> sweeper = executor.submit(() -> {
				for (int i = 0; i < iterations; i++) {
					barrier.await(5, TimeUnit.SECONDS);
					for (int spin = ThreadLocalRandom.current().nextInt(1_000); spin > 0; spin--) {
						Thread.onSpinWait();
					}
					this.store.sweep();
				}
				return null;
			});
			for (int i = 0; i < iterations; i++) {
				ChannelName[] names = new ChannelName[channels];
				ChannelStream[] maybeStale = new ChannelStream[channels];
				for (int c = 0; c < channels; c++) {
					names[c] = ChannelName.parse("chat:room-" + c);
					maybeStale[c] = this.store.stream(names[c], noHistory);
				}
				barrier.await(5, TimeUnit.SECONDS);
				RecordingListener[] listeners = new RecordingListener[channels];
				Attachment[] attachments = new Attachment[channels];
				for (int c = 0; c < channels; c++) {
					listeners[c] = new RecordingListener();
					attachments[c] = InMemoryChannelStreamTests.attach(maybeStale[c], null, listeners[c]);
				}
				for (int c = 0; c < channels; c++) {
					StoredFrame frame = InMemoryChannelStreamTests.append(this.store.stream(names[c], noHistory), i);
					StoredFrame throughStale = InMemoryChannelStreamTests.append(maybeStale[c], i);
					assertThat(listeners[c].frames()).as("%s in iteration %d", names[c], i)
						.containsExactly(frame, throughStale);
					assertThat(frame.epoch()).isEqualTo(attachments[c].plan().epoch());
					assertThat(throughStale.epoch()).isEqualTo(frame.epoch());
					assertThat(throughStale.cursor()).isEqualTo(frame.cursor() + 1);
					if (this.store.find(names[c].value()) != maybeStale[c]) {
						handedOver++;
					}
					attachments[c].detach().dispose();
				}
			}
			sweeper.get(5, TimeUnit.SECONDS);
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(handedOver).as("appends and attachments handed over by retired streams").isPositive();
	}

	private static String epoch(ChannelStream stream) {
		return stream.position().block(Duration.ofSeconds(5)).epoch();
	}

	private static long head(ChannelStream stream) {
		return stream.position().block(Duration.ofSeconds(5)).head();
	}

}

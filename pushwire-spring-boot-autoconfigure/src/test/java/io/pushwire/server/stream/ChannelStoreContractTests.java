package io.pushwire.server.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.IntNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ResumeToken.Position;
import io.pushwire.server.channel.ChannelKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of a {@link ChannelStore}: every store runs these tests through a subclass
 * (the in-memory one in {@link InMemoryChannelStoreContractTests}; a Redis store runs
 * them against a real server). A subclass makes the store, says how a stream is lost and
 * moves the store's clock.
 */
public abstract class ChannelStoreContractTests {

	protected static final Duration TIMEOUT = Duration.ofSeconds(10);

	protected static final ChannelKind CHAT = ChannelKind.builder("chat")
		.historySize(5)
		.historyTtl(Duration.ofMinutes(1))
		.build();

	private static final ChannelName ROOM = ChannelName.parse("chat:room-42");

	private ChannelStore store;

	/**
	 * Make the store under test, empty.
	 * @return the store
	 */
	protected abstract ChannelStore createStore();

	/**
	 * Lose a channel's stream as the store can lose it (a restart of an in-memory store,
	 * an evicted or flushed remote stream).
	 * @param store the store
	 * @param channel the channel
	 * @return the store to go on with (a new one when the old one was restarted)
	 */
	protected abstract ChannelStore lose(ChannelStore store, ChannelName channel);

	/**
	 * Move the clock that frame ages are measured by.
	 * @param duration how far
	 */
	protected abstract void advanceClock(Duration duration);

	/**
	 * The streams the connections of this node would use over the store.
	 * @param store the store
	 * @return the streams
	 */
	protected abstract ChannelStreamStore streams(ChannelStore store);

	/**
	 * Release what the store holds.
	 * @param store the store
	 */
	protected void dispose(ChannelStore store) {
	}

	@BeforeEach
	void createStoreUnderTest() {
		this.store = createStore();
	}

	@AfterEach
	void disposeStoreUnderTest() {
		dispose(this.store);
	}

	@Test
	void appendAssignsConsecutiveCursorsFromOneInOneEpoch() {
		List<StoredFrame> frames = new ArrayList<>();
		for (int i = 1; i <= 4; i++) {
			frames.add(append(this.store, i));
		}
		assertThat(frames).extracting(StoredFrame::cursor).containsExactly(1L, 2L, 3L, 4L);
		assertThat(frames).extracting(StoredFrame::epoch).containsOnly(frames.get(0).epoch());
		assertThat(frames).extracting(StoredFrame::channel).containsOnly(ROOM.value());
		StreamPosition position = this.store.position(ROOM.value()).block(TIMEOUT);
		assertThat(position).isEqualTo(new StreamPosition(frames.get(0).epoch(), 4));
	}

	@Test
	void positionOfAChannelWithoutAStreamIsEmpty() {
		StepVerifier.create(this.store.position("chat:nobody")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void channelsAreNumberedApart() {
		append(this.store, 1);
		append(this.store, 2);
		StoredFrame other = this.store.append(ChannelName.parse("chat:room-43"), CHAT, IntNode.valueOf(1), null)
			.block(TIMEOUT);
		assertThat(other.cursor()).isEqualTo(1);
	}

	@Test
	@Timeout(60)
	void concurrentAppendsNeverDuplicateOrSkipACursor() throws Exception {
		int threads = 4;
		int each = 250;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<List<Long>>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				results.add(executor.submit(() -> {
					start.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
					List<Long> cursors = new ArrayList<>();
					for (int i = 0; i < each; i++) {
						cursors.add(append(this.store, i).cursor());
					}
					return cursors;
				}));
			}
			start.countDown();
			Set<Long> all = ConcurrentHashMap.newKeySet();
			for (Future<List<Long>> result : results) {
				List<Long> cursors = result.get(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
				// One publisher's own frames get increasing cursors.
				assertThat(cursors).isSorted();
				all.addAll(cursors);
			}
			assertThat(all).hasSize(threads * each);
			assertThat(all).allMatch((cursor) -> cursor >= 1 && cursor <= threads * each);
			assertThat(this.store.position(ROOM.value()).block(TIMEOUT).head()).isEqualTo(threads * each);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void readAfterAPositionInTheWindowGivesTheFramesAfterIt() {
		String epoch = appendAll(this.store, 5);
		StreamReplay replay = read(new Position(2, epoch));
		assertThat(replay.plan()).isEqualTo(new ResumePlan(ROOM.value(), epoch, 5, 2, false));
		assertThat(replay.frames()).extracting(StoredFrame::cursor).containsExactly(3L, 4L, 5L);
	}

	@Test
	void readAtTheHeadGivesNothing() {
		String epoch = appendAll(this.store, 3);
		StreamReplay replay = read(new Position(3, epoch));
		assertThat(replay.plan()).isEqualTo(new ResumePlan(ROOM.value(), epoch, 3, 3, false));
		assertThat(replay.frames()).isEmpty();
	}

	@Test
	void readWithoutAPositionStartsLiveAfterTheHead() {
		String epoch = appendAll(this.store, 3);
		StreamReplay replay = read(null);
		assertThat(replay.plan()).isEqualTo(new ResumePlan(ROOM.value(), epoch, 3, 3, false));
		assertThat(replay.frames()).isEmpty();
	}

	@Test
	void readWithoutAnEpochIsTakenAsTheCurrentOne() {
		appendAll(this.store, 4);
		StreamReplay replay = read(new Position(3, null));
		assertThat(replay.plan().resumeRequired()).isFalse();
		assertThat(replay.frames()).extracting(StoredFrame::cursor).containsExactly(4L);
	}

	@Test
	void readOfAChannelWithoutAStreamMakesOneFromCursorZero() {
		StreamReplay replay = read(null);
		assertThat(replay.plan().head()).isZero();
		assertThat(replay.plan().after()).isZero();
		assertThat(replay.frames()).isEmpty();
		assertThat(this.store.position(ROOM.value()).block(TIMEOUT))
			.isEqualTo(new StreamPosition(replay.plan().epoch(), 0));
	}

	@Test
	void readFromAnotherEpochRequiresAResumeFromTheWholeWindow() {
		String epoch = appendAll(this.store, 3);
		StreamReplay replay = read(new Position(2, "another-epoch"));
		assertThat(replay.plan()).isEqualTo(new ResumePlan(ROOM.value(), epoch, 3, 0, true));
		assertThat(replay.frames()).extracting(StoredFrame::cursor).containsExactly(1L, 2L, 3L);
	}

	@Test
	void readBeyondTheHeadRequiresAResume() {
		String epoch = appendAll(this.store, 3);
		StreamReplay replay = read(new Position(9, epoch));
		assertThat(replay.plan().resumeRequired()).isTrue();
		assertThat(replay.frames()).extracting(StoredFrame::cursor).containsExactly(1L, 2L, 3L);
	}

	@Test
	void windowKeepsAtMostHistorySizeFrames() {
		String epoch = appendAll(this.store, 8);
		StreamReplay replay = read(new Position(0, epoch));
		assertThat(replay.plan()).isEqualTo(new ResumePlan(ROOM.value(), epoch, 8, 3, true));
		assertThat(replay.frames()).extracting(StoredFrame::cursor).containsExactly(4L, 5L, 6L, 7L, 8L);
		// The oldest position still in the window resumes without a gap.
		assertThat(read(new Position(3, epoch)).plan().resumeRequired()).isFalse();
	}

	@Test
	void framesOlderThanHistoryTtlLeaveTheWindow() {
		String epoch = appendAll(this.store, 2);
		advanceClock(Duration.ofSeconds(40));
		append(this.store, 3);
		advanceClock(Duration.ofSeconds(30));
		StreamReplay replay = read(new Position(0, epoch));
		assertThat(replay.plan().resumeRequired()).isTrue();
		assertThat(replay.frames()).extracting(StoredFrame::cursor).containsExactly(3L);
		assertThat(replay.plan().head()).isEqualTo(3);
	}

	@Test
	void lostStreamGetsANewEpochAndNeverReusesACursorOfTheOldOne() {
		String epoch = appendAll(this.store, 3);
		this.store = lose(this.store, ROOM);
		StreamReplay replay = read(new Position(3, epoch));
		assertThat(replay.plan().epoch()).isNotEqualTo(epoch);
		assertThat(replay.plan().resumeRequired()).isTrue();
		StoredFrame next = append(this.store, 4);
		assertThat(next.epoch()).isEqualTo(replay.plan().epoch());
		assertThat(this.store.position(ROOM.value()).block(TIMEOUT))
			.isEqualTo(new StreamPosition(next.epoch(), next.cursor()));
	}

	@Test
	@Timeout(60)
	void everyListenerOfTheNodeSeesOneOrderWithoutGapsWhilePublishersRace() throws Exception {
		ChannelStreamStore streams = streams(this.store);
		ChannelStream stream = streams.stream(ROOM, CHAT);
		int listeners = 3;
		List<OrderedListener> attached = new ArrayList<>();
		for (int i = 0; i < listeners; i++) {
			OrderedListener listener = new OrderedListener();
			Attachment attachment = stream.attach(null, listener).block(TIMEOUT);
			listener.start(attachment);
			attached.add(listener);
		}
		int threads = 3;
		int each = 200;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> publishers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				publishers.add(executor.submit(() -> {
					start.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
					for (int i = 0; i < each; i++) {
						stream.append(IntNode.valueOf(i), null).block(TIMEOUT);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> publisher : publishers) {
				publisher.get(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
			}
			for (OrderedListener listener : attached) {
				assertThat(listener.all.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
				assertThat(listener.outOfOrder).isZero();
				assertThat(listener.last).isEqualTo(threads * each);
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private StreamReplay read(Position from) {
		StreamReplay replay = this.store.read(ROOM, CHAT, from).block(TIMEOUT);
		assertThat(replay).isNotNull();
		return replay;
	}

	private static StoredFrame append(ChannelStore store, int payload) {
		StoredFrame frame = store.append(ROOM, CHAT, IntNode.valueOf(payload), null).block(TIMEOUT);
		assertThat(frame).isNotNull();
		return frame;
	}

	/** Append frames 1 to count and answer their epoch. */
	private static String appendAll(ChannelStore store, int count) {
		String epoch = null;
		for (int i = 1; i <= count; i++) {
			epoch = append(store, i).epoch();
		}
		return epoch;
	}

	/**
	 * Counts frames as a connection's subscription takes them: dropping cursors it
	 * already has, and counting any that arrives out of order or after a gap.
	 */
	private static final class OrderedListener implements StreamListener {

		private final CountDownLatch all = new CountDownLatch(600);

		private long last = -1;

		private int outOfOrder;

		private final List<StoredFrame> held = new ArrayList<>();

		synchronized void start(Attachment attachment) {
			this.last = attachment.plan().after();
			attachment.replay().forEach(this::take);
			this.held.forEach(this::take);
			this.held.clear();
		}

		@Override
		public synchronized void onFrame(StoredFrame frame) {
			if (this.last < 0) {
				this.held.add(frame);
				return;
			}
			take(frame);
		}

		private void take(StoredFrame frame) {
			if (frame.cursor() <= this.last) {
				return;
			}
			if (frame.cursor() != this.last + 1) {
				this.outOfOrder++;
			}
			this.last = frame.cursor();
			this.all.countDown();
		}

		@Override
		public void onTransient(String channel, PreparedMessage frame) {
		}

	}

}

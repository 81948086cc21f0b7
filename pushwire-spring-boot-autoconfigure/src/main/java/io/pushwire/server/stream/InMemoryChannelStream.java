package io.pushwire.server.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.Cursors;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ResumeToken;

/**
 * A channel's stream in memory: a window of at most {@code historySize} frames no older
 * than {@code historyTtl}, and the channel's listeners of the node's {@link ChannelHub}.
 * Appends and attachments are serialized by the stream's monitor, which is what makes
 * cursors gapless and replay-then-live free of reordering and duplicates: storing a frame
 * and handing it to the hub's listeners are one step here, with no scheduling in between.
 * The monitor is held only to number, store and hand frames off: payloads are encoded
 * before it is taken, and listeners are called after it is released (see
 * {@link StreamListeners}).
 */
final class InMemoryChannelStream implements ChannelStream {

	private static final ProtocolCodec DEFAULT_CODEC = new ProtocolCodec();

	private final String channel;

	private final String epoch;

	private final int historySize;

	private final long historyTtlMillis;

	private final Clock clock;

	private final ArrayDeque<StoredFrame> window = new ArrayDeque<>();

	/** The channel's listeners in the node's hub, called under this stream's monitor. */
	private final StreamListeners listeners;

	/**
	 * The position last asked for, answered again until the head moves (acks ask on every
	 * frame).
	 */
	private volatile @Nullable CachedPosition position;

	private final Supplier<InMemoryChannelStream> successor;

	private final ProtocolCodec codec;

	/** Written under the monitor, read without it (acks, heads in {@code auth_ok}). */
	private volatile long head;

	private final Retention retention;

	/**
	 * When a frame was last appended (or the stream made): how recently it was published.
	 */
	private volatile long lastAppendMillis;

	/** The encoded size of the frames in the window; written under the monitor. */
	private volatile long retainedBytes;

	private boolean retired;

	private boolean idleOnLastSweep;

	InMemoryChannelStream(String channel, int historySize, Duration historyTtl, Clock clock,
			Supplier<InMemoryChannelStream> successor) {
		this(channel, historySize, historyTtl, clock, DEFAULT_CODEC, Retention.UNBOUNDED, null, new StreamListeners(),
				successor);
	}

	/**
	 * Create a stream, continuing a retired one's epoch and cursors when it left a
	 * tombstone.
	 * @param channel the channel
	 * @param historySize the most frames kept for replay
	 * @param historyTtl how long frames are kept for replay
	 * @param clock the clock that times the frames
	 * @param codec the protocol codec that encodes the frames
	 * @param retention the store-wide bound on the frames kept
	 * @param tombstone what a retired stream of the channel left, or {@code null}
	 * @param listeners the stream's listeners
	 * @param successor supplies the stream that takes over once this one is retired
	 */
	InMemoryChannelStream(String channel, int historySize, Duration historyTtl, Clock clock, ProtocolCodec codec,
			Retention retention, @Nullable Tombstone tombstone, StreamListeners listeners,
			Supplier<InMemoryChannelStream> successor) {
		this.listeners = listeners;
		this.epoch = (tombstone != null) ? tombstone.epoch() : Cursors.newEpoch();
		this.head = (tombstone != null) ? tombstone.head() : 0;
		this.codec = codec;
		this.retention = retention;
		this.lastAppendMillis = clock.millis();
		this.channel = channel;
		this.successor = successor;
		this.historySize = historySize;
		this.historyTtlMillis = historyTtl.toMillis();
		this.clock = clock;
	}

	@Override
	public String channel() {
		return this.channel;
	}

	String epoch() {
		return this.epoch;
	}

	long head() {
		return this.head;
	}

	StreamListeners listeners() {
		return this.listeners;
	}

	@Override
	public Mono<StreamPosition> position() {
		CachedPosition cached = this.position;
		long current = this.head;
		if (cached != null && cached.head() == current) {
			return cached.mono();
		}
		// Made once per head that anyone asks about, not once per ack.
		CachedPosition fresh = new CachedPosition(current, Mono.just(new StreamPosition(this.epoch, current)));
		this.position = fresh;
		return fresh.mono();
	}

	@Override
	public Mono<StoredFrame> append(JsonNode payload, @Nullable String clientId) {
		return Mono.fromSupplier(() -> appendNow(payload, clientId));
	}

	StoredFrame appendNow(JsonNode payload, @Nullable String clientId) {
		// Before a cursor is taken: a payload that cannot be encoded fails here and
		// leaves no hole.
		byte[] uncounted = StoredFrame.encodeUncounted(this.codec, this.channel, payload, clientId);
		// Room is made before the monitor is taken, since making it locks other streams.
		long reserved = 0;
		if (this.historySize > 0) {
			long size = StoredFrame.encodedSize(uncounted.length, this.head + 1);
			reserved = this.retention.reserve(size) ? size : -1;
		}
		InMemoryChannelStream stream = this;
		while (true) {
			StoredFrame frame = null;
			boolean due = false;
			synchronized (stream) {
				if (!stream.retired) {
					frame = stream.appendLocked(payload, clientId, uncounted, reserved);
					due = stream.listeners.publish(frame);
				}
			}
			if (frame != null) {
				if (due) {
					stream.listeners.deliver();
				}
				return frame;
			}
			// The sweep removed this stream between lookup and use: the store's current
			// one takes it.
			stream = stream.successor.get();
		}
	}

	private StoredFrame appendLocked(JsonNode payload, @Nullable String clientId, byte[] uncounted, long reserved) {
		long now = this.clock.millis();
		long cursor = this.head + 1;
		StoredFrame frame = new StoredFrame(this.channel, cursor, this.epoch, payload, clientId, now, uncounted);
		this.head = cursor;
		this.lastAppendMillis = now;
		if (this.historySize > 0) {
			keep(frame, reserved);
		}
		trim(now);
		return frame;
	}

	/**
	 * Keep a frame within what was reserved for it (its cursor may have grown a digit
	 * meanwhile). A frame that cannot be kept empties the window, which must never have a
	 * hole.
	 * @param frame the frame
	 * @param reserved the bytes reserved for it
	 */
	private void keep(StoredFrame frame, long reserved) {
		long size = frame.encodedSize();
		if (reserved >= 0 && (size <= reserved || this.retention.tryGrow(size - reserved))) {
			this.retention.release(Math.max(0, reserved - size));
			this.window.addLast(frame);
			frame.retainedBy(this.retention);
			this.retainedBytes += size;
		}
		else {
			this.retention.release(Math.max(0, reserved));
			dropWindow();
		}
	}

	private void dropWindow() {
		for (StoredFrame frame : this.window) {
			frame.unretain();
		}
		this.window.clear();
		this.retention.release(this.retainedBytes);
		this.retainedBytes = 0;
	}

	/**
	 * Evict the oldest frames, for the store's {@code max-retained-bytes}.
	 * @param needed how many bytes to free
	 * @param retention where to release them
	 * @return how many bytes were freed
	 */
	synchronized long evictOldest(long needed, Retention retention) {
		long freed = 0;
		long others = 0;
		while (freed + others < needed && !this.window.isEmpty()) {
			StoredFrame frame = this.window.pollFirst();
			freed += frame.encodedSize();
			others += frame.unretain();
		}
		this.retainedBytes -= freed;
		retention.release(freed);
		return freed + others;
	}

	long retainedBytes() {
		return this.retainedBytes;
	}

	long lastAppendMillis() {
		return this.lastAppendMillis;
	}

	boolean hasNoListener() {
		return this.listeners.isEmpty();
	}

	@Override
	public Mono<Integer> publishTransient(PreparedMessage frame) {
		return Mono.fromSupplier(() -> {
			int given;
			synchronized (this) {
				// Counted as given: a listener may detach (unlocked) while it is being
				// given the frame.
				given = this.listeners.publishTransient(this.channel, frame);
			}
			this.listeners.deliver();
			return given;
		});
	}

	@Override
	public Mono<Attachment> attach(ResumeToken.@Nullable Position from, StreamListener listener) {
		return Mono.fromSupplier(() -> attachNow(from, listener));
	}

	Attachment attachNow(ResumeToken.@Nullable Position from, StreamListener listener) {
		InMemoryChannelStream stream = this;
		while (true) {
			synchronized (stream) {
				if (!stream.retired) {
					return stream.attachLocked(from, listener);
				}
			}
			stream = stream.successor.get();
		}
	}

	private Attachment attachLocked(ResumeToken.@Nullable Position from, StreamListener listener) {
		StreamReplay replay = replayLocked(from);
		this.listeners.add(listener);
		return new Attachment(replay.plan(), replay.frames(), new Detach(listener));
	}

	/**
	 * Read the replay for a position without attaching (the {@link ChannelStore} view of
	 * the stream).
	 * @param from the last position the client processed, or {@code null}
	 * @return the plan and frames
	 */
	StreamReplay readNow(ResumeToken.@Nullable Position from) {
		InMemoryChannelStream stream = this;
		while (true) {
			synchronized (stream) {
				if (!stream.retired) {
					return stream.replayLocked(from);
				}
			}
			stream = stream.successor.get();
		}
	}

	private StreamReplay replayLocked(ResumeToken.@Nullable Position from) {
		trim(this.clock.millis());
		long oldest = this.window.isEmpty() ? this.head + 1 : this.window.peekFirst().cursor();
		ResumePlan plan;
		if (from == null) {
			plan = new ResumePlan(this.channel, this.epoch, this.head, this.head, false);
		}
		else {
			long cursor = from.cursor();
			boolean sameEpoch = from.epoch() == null || this.epoch.equals(from.epoch());
			if (sameEpoch && oldest - 1 <= cursor && cursor <= this.head) {
				plan = new ResumePlan(this.channel, this.epoch, this.head, cursor, false);
			}
			else {
				plan = new ResumePlan(this.channel, this.epoch, this.head, oldest - 1, true);
			}
		}
		return new StreamReplay(plan, framesAfter(plan.after()));
	}

	private List<StoredFrame> framesAfter(long after) {
		if (after >= this.head || this.window.isEmpty()) {
			return Collections.emptyList();
		}
		long first = this.window.peekFirst().cursor();
		int skip = (int) Math.max(0, after + 1 - first);
		List<StoredFrame> frames = new ArrayList<>(this.window.size() - skip);
		Iterator<StoredFrame> iterator = this.window.iterator();
		for (int i = 0; i < skip; i++) {
			iterator.next();
		}
		iterator.forEachRemaining(frames::add);
		return frames;
	}

	private void trim(long now) {
		long freed = 0;
		while (this.window.size() > this.historySize) {
			freed += drop(this.window.pollFirst());
		}
		long oldestAllowed = now - this.historyTtlMillis;
		while (!this.window.isEmpty() && this.window.peekFirst().storedAtMillis() < oldestAllowed) {
			freed += drop(this.window.pollFirst());
		}
		if (freed > 0) {
			this.retainedBytes -= freed;
			this.retention.release(freed);
		}
	}

	/**
	 * A frame leaves the window: its encodings in other formats are released now, its
	 * JSON by the caller.
	 * @param frame the frame leaving the window
	 * @return the frame's encoded size, which the window no longer holds
	 */
	private static long drop(StoredFrame frame) {
		frame.unretain();
		return frame.encodedSize();
	}

	/**
	 * Retire the stream if it has no listener and an empty window.
	 * @return {@code true} when retired; it then hands every later call to its successor
	 */
	synchronized boolean retireIfIdle() {
		trim(this.clock.millis());
		boolean idle = this.listeners.isEmpty() && this.window.isEmpty();
		// Retired only when found idle by two sweeps in a row, so that a stream just
		// created for a
		// caller is not retired before the caller uses it.
		this.retired = idle && this.idleOnLastSweep;
		this.idleOnLastSweep = idle;
		return this.retired;
	}

	/**
	 * Retire the stream if it has no listener, dropping its window, for the store's
	 * {@code max-channels}.
	 * @return {@code true} when retired
	 */
	synchronized boolean retireIfUnlistened() {
		if (!this.listeners.isEmpty()) {
			return false;
		}
		dropWindow();
		this.retired = true;
		return true;
	}

	/**
	 * What a retired stream leaves behind: its epoch and head, so that its successor
	 * continues them and a client that had every frame resumes without
	 * {@code resume_required}.
	 * @return the tombstone
	 */
	Tombstone tombstone() {
		return new Tombstone(this.epoch, this.head);
	}

	/**
	 * The epoch and head of a retired stream.
	 *
	 * @param epoch the epoch
	 * @param head the newest cursor
	 */
	record Tombstone(String epoch, long head) {
	}

	/**
	 * A position and the completed {@code Mono} that answers with it.
	 *
	 * @param head the head it is for
	 * @param mono the answer
	 */
	private record CachedPosition(long head, Mono<StreamPosition> mono) {
	}

	/** Detaches one listener; removing from the concurrent set needs no lock. */
	private final class Detach implements reactor.core.Disposable {

		private final StreamListener listener;

		private volatile boolean disposed;

		Detach(StreamListener listener) {
			this.listener = listener;
		}

		@Override
		public void dispose() {
			this.disposed = true;
			InMemoryChannelStream.this.listeners.remove(this.listener);
		}

		@Override
		public boolean isDisposed() {
			return this.disposed;
		}

	}

}

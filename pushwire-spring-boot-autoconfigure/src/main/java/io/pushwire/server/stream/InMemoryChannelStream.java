package io.pushwire.server.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

import io.pushwire.core.Cursors;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ResumeToken;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A channel's stream in memory: a window of at most {@code historySize} frames no older than
 * {@code historyTtl}. Appends and attachments are serialized by the stream's monitor, which is what
 * makes cursors gapless and replay-then-live free of reordering and duplicates. The monitor is held
 * only to number, store and hand frames off: payloads are encoded before it is taken, and listeners
 * are called after it is released (see {@link StreamListeners}).
 */
final class InMemoryChannelStream implements ChannelStream {

	private static final ProtocolCodec DEFAULT_CODEC = new ProtocolCodec();

	private final String channel;

	private final String epoch;

	private final int historySize;

	private final long historyTtlMillis;

	private final Clock clock;

	private final ArrayDeque<StoredFrame> window = new ArrayDeque<>();

	private final StreamListeners listeners = new StreamListeners();

	private final Supplier<InMemoryChannelStream> successor;

	private final ProtocolCodec codec;

	/** Written under the monitor, read without it (acks, heads in {@code auth_ok}). */
	private volatile long head;

	private final Retention retention;

	/** When a frame was last appended (or the stream made): how recently it was published. */
	private volatile long lastAppendMillis;

	/** The encoded size of the frames in the window; written under the monitor. */
	private volatile long retainedBytes;

	private boolean retired;

	private boolean idleOnLastSweep;

	InMemoryChannelStream(String channel, int historySize, Duration historyTtl, Clock clock,
			Supplier<InMemoryChannelStream> successor) {
		this(channel, historySize, historyTtl, clock, DEFAULT_CODEC, Retention.UNBOUNDED, null, successor);
	}

	/**
	 * Create a stream, continuing a retired one's epoch and cursors when it left a tombstone.
	 */
	InMemoryChannelStream(String channel, int historySize, Duration historyTtl, Clock clock, ProtocolCodec codec,
			Retention retention, @Nullable Tombstone tombstone, Supplier<InMemoryChannelStream> successor) {
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

	@Override
	public String epoch() {
		return this.epoch;
	}

	@Override
	public long head() {
		return this.head;
	}

	@Override
	public Mono<StoredFrame> append(JsonNode payload, @Nullable String clientId) {
		return Mono.fromSupplier(() -> appendNow(payload, clientId));
	}

	StoredFrame appendNow(JsonNode payload, @Nullable String clientId) {
		// Before a cursor is taken: a payload that cannot be encoded fails here and leaves no hole.
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
			// The sweep removed this stream between lookup and use: the store's current one takes it.
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
	 * Keep a frame within what was reserved for it (its cursor may have grown a digit meanwhile). A frame
	 * that cannot be kept empties the window, which must never have a hole.
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
				// Counted as given: a listener may detach (unlocked) while it is being given the frame.
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
		List<StoredFrame> replay = framesAfter(plan.after());
		this.listeners.add(listener);
		return new Attachment(plan, replay, new Detach(listener));
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

	/** A frame leaves the window: its encodings in other formats are released now, its JSON by the caller. */
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
		// Retired only when found idle by two sweeps in a row, so that a stream just created for a
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
	 * What a retired stream leaves behind: its epoch and head, so that its successor continues them and
	 * a client that had every frame resumes without {@code resume_required}.
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

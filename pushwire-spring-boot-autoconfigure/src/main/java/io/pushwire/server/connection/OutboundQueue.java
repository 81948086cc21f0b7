package io.pushwire.server.connection;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

import io.pushwire.core.PreparedMessage;
import io.pushwire.core.WireFormat;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;

/**
 * A connection's outbound queue (PROTOCOL.md §6): a lane for system ops ahead of three
 * lanes by channel-kind priority. The writer always takes from the highest non-empty
 * lane; each lane is FIFO, so a channel's frames keep their cursor order. An op that must
 * not overtake frames already queued goes in a frame lane instead
 * ({@link #offerOpBehind}).
 * <p>
 * Messages are encoded in the connection's {@link WireFormat}; a message shared by many
 * connections (a stored or transient frame) is encoded once per format, and the queue
 * holds the shared bytes.
 * <p>
 * Bounded by {@code maxBytes} of queued encodings. Past half full the {@link Pressure} is
 * told once ({@code slow}), again only after the queue drained below a quarter; an offer
 * that would pass the bound is refused and the pressure told {@code full} (the connection
 * then closes with 4008). Replayed frames are queued as references to the frames the
 * stream already holds, encoded only as they are written, and do not count against the
 * bound: a resuming client is never shed for the size of its own replay.
 *
 * @since 0.1.0
 */
public final class OutboundQueue {

	private static final Log logger = LogFactory.getLog(OutboundQueue.class);

	private static final int OP_LANE = 0;

	/** One drain in this many samples the queued bytes (a power of two). */
	static final int QUEUE_SAMPLE_INTERVAL = 64;

	private final ArrayDeque<Object>[] lanes;

	private final long maxBytes;

	private final WireFormat format;

	private final Pressure pressure;

	private final LongSupplier nanoTime;

	private final AtomicInteger wip = new AtomicInteger();

	/**
	 * Drains so far, for sampling the queued bytes at one drain in
	 * {@value #QUEUE_SAMPLE_INTERVAL}; written by the drain loop only, which one thread
	 * runs at a time ({@link #wip}).
	 */
	private int drains;

	private long bytes;

	private boolean slowSignalled;

	private boolean finished;

	private byte @Nullable [] farewell;

	private volatile long lastProgressNanos;

	private volatile @Nullable Writer writer;

	private boolean completed;

	private volatile @Nullable Executor drainExecutor;

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	/** Items (messages and replays) in all lanes. */
	private int items;

	/**
	 * Create a queue.
	 * @param maxBytes the bound of queued bytes
	 * @param format the connection's wire format, in which frames are written
	 * @param pressure told when the queue fills up
	 */
	public OutboundQueue(long maxBytes, WireFormat format, Pressure pressure) {
		this(maxBytes, format, pressure, System::nanoTime);
	}

	/**
	 * Create a queue that reads the time for {@link #stalledNanos()} from a given source
	 * (for tests).
	 * @param maxBytes the bound of queued bytes
	 * @param format the connection's wire format, in which frames are written
	 * @param pressure told when the queue fills up
	 * @param nanoTime the time source, like {@link System#nanoTime()}
	 */
	@SuppressWarnings("unchecked")
	OutboundQueue(long maxBytes, WireFormat format, Pressure pressure, LongSupplier nanoTime) {
		this.maxBytes = maxBytes;
		this.nanoTime = nanoTime;
		this.lastProgressNanos = nanoTime.getAsLong();
		this.format = format;
		this.pressure = pressure;
		// Lanes are made on first use: most connections only ever use one or two.
		this.lanes = new ArrayDeque[1 + Priority.values().length];
	}

	/**
	 * The connection's wire format: what ops offered encoded must be encoded in.
	 * @return the format
	 */
	public WireFormat format() {
		return this.format;
	}

	/**
	 * The executor drains run on.
	 * @return the executor, or {@code null} for the offering thread
	 */
	@Nullable Executor drainExecutor() {
		return this.drainExecutor;
	}

	/**
	 * Drain on this executor (the connection's event loop) instead of the offering
	 * thread: a publisher then only enqueues, and the event loop writes everything queued
	 * in one go.
	 * @param executor the executor, or {@code null} to drain on the offering thread
	 */
	void drainOn(@Nullable Executor executor) {
		this.drainExecutor = executor;
	}

	/**
	 * The messages to write, in order; subscribe once. Emits no faster than the transport
	 * requests.
	 * @return the messages
	 */
	public Flux<Delivery> deliveries() {
		return Flux.create((emitter) -> {
			writeTo(new SinkWriter(emitter));
			emitter.onRequest((n) -> drain());
		}, FluxSink.OverflowStrategy.ERROR);
	}

	/**
	 * Write to a transport directly; set once, instead of subscribing to
	 * {@link #deliveries()}.
	 * @param target the transport
	 */
	public void writeTo(Writer target) {
		this.writer = target;
		// On the drain executor like every later drain, so that no two threads ever
		// write.
		scheduleDrain();
	}

	/**
	 * The transport is ready again: write what is queued.
	 */
	public void resume() {
		scheduleDrain();
	}

	/**
	 * Queue an encoded system op ahead of all frames.
	 * @param bytes the op in the queue's {@link #format()}
	 * @return {@code false} when refused because the queue is full or finished
	 */
	public boolean offerOp(byte[] bytes) {
		return offer(OP_LANE, new Delivery(bytes, null, true, this.format.binary()), bytes.length);
	}

	/**
	 * Queue an encoded system op behind the frames already queued in a lane and the lanes
	 * above it, for an op that must not overtake them (an {@code unsubscribed} behind the
	 * frames of the channels it names). Frames queued later in higher lanes still go
	 * first, as always.
	 * @param bytes the op in the queue's {@link #format()}
	 * @param priority the lowest priority of the frames it must follow
	 * @return {@code false} when refused because the queue is full or finished
	 */
	public boolean offerOpBehind(byte[] bytes, Priority priority) {
		return offer(lane(priority), new Delivery(bytes, null, true, this.format.binary()), bytes.length);
	}

	/**
	 * Queue a heartbeat ahead of all frames (for transports whose heartbeat is not an
	 * op).
	 * @return {@code false} when refused because the queue is finished
	 */
	public boolean offerHeartbeat() {
		return offer(OP_LANE, Delivery.heartbeat(), 0);
	}

	/**
	 * Queue a stored frame in its kind's lane.
	 * @param frame the frame
	 * @param priority the kind's priority
	 * @return {@code false} when refused because the queue is full or finished
	 */
	public boolean offerFrame(StoredFrame frame, Priority priority) {
		byte[] bytes = frame.encoded(this.format);
		return offer(lane(priority), new Delivery(bytes, frame, false, this.format.binary()), bytes.length);
	}

	/**
	 * Queue a stored frame encoded for this connection alone (a delta, PROTOCOL.md §8.3)
	 * in its kind's lane.
	 * @param delivery the frame's encoding in the queue's format
	 * @param priority the kind's priority
	 * @return {@code false} when refused because the queue is full or finished
	 */
	public boolean offerEncoded(Delivery delivery, Priority priority) {
		return offer(lane(priority), delivery, delivery.bytes().length);
	}

	/**
	 * Queue a transient frame in its kind's lane.
	 * @param frame the frame, encoded in the queue's format on first use and shared
	 * @param priority the kind's priority
	 * @return {@code false} when refused because the queue is full or finished
	 */
	public boolean offerTransient(PreparedMessage frame, Priority priority) {
		byte[] bytes = frame.encoded(this.format);
		return offer(lane(priority), new Delivery(bytes, null, false, this.format.binary()), bytes.length);
	}

	/**
	 * Queue frames to replay in their kind's lane; they do not count against the bound.
	 * @param frames the frames, in cursor order
	 * @param priority the kind's priority
	 */
	public void offerReplay(List<StoredFrame> frames, Priority priority) {
		if (frames.isEmpty()) {
			return;
		}
		synchronized (this) {
			if (this.finished) {
				return;
			}
			if (isEmpty()) {
				// As in offer: an idle queue has not stalled, so the wait starts now.
				this.lastProgressNanos = this.nanoTime.getAsLong();
			}
			add(lane(priority), new Replay(frames));
		}
		scheduleDrain();
	}

	/**
	 * Stop: drop the queued frames, write the queued ops and then a last message (a
	 * {@code goodbye}), then complete. Without a last message (the transport has ended)
	 * everything queued is dropped. Later offers are refused.
	 * @param lastMessage the last message in the queue's {@link #format()}, or
	 * {@code null}
	 */
	public void finish(byte @Nullable [] lastMessage) {
		synchronized (this) {
			if (this.finished) {
				return;
			}
			this.finished = true;
			this.farewell = lastMessage;
			// Frames are dropped; ops already queued (an error that explains the close, a
			// pong owed)
			// still go out before the goodbye. Without a last message the transport is
			// gone: drop all.
			this.items = 0;
			this.bytes = 0;
			for (int i = 0; i < this.lanes.length; i++) {
				ArrayDeque<Object> lane = this.lanes[i];
				if (lane == null) {
					continue;
				}
				if (i == OP_LANE && lastMessage != null) {
					this.items += lane.size();
					for (Object op : lane) {
						this.bytes += ((Delivery) op).bytes().length;
					}
				}
				else {
					lane.clear();
				}
			}
		}
		scheduleDrain();
	}

	/**
	 * Whether {@link #finish} was called.
	 * @return {@code true} once finishing
	 */
	public synchronized boolean isFinished() {
		return this.finished;
	}

	/**
	 * The bytes queued (replays excluded).
	 * @return the count
	 */
	public synchronized long queuedBytes() {
		return this.bytes;
	}

	/**
	 * How long the queue has held messages without the transport taking one.
	 * @return nanoseconds stalled, 0 when empty or moving
	 */
	public long stalledNanos() {
		synchronized (this) {
			if (isEmpty()) {
				return 0;
			}
		}
		return this.nanoTime.getAsLong() - this.lastProgressNanos;
	}

	private static int lane(Priority priority) {
		return 1 + priority.lane();
	}

	/**
	 * Queue frames and transient frames of one kind in its lane, in order, with one lock
	 * and one drain.
	 * @param items {@link StoredFrame}s, {@link StreamListener.Transient}s and, for a
	 * frame encoded for this connection alone, {@link Delivery}s
	 * @param priority the kind's priority
	 * @return {@code false} when (some) refused because the queue is full or finished
	 */
	public boolean offerBatch(List<?> items, Priority priority) {
		int lane = lane(priority);
		WireFormat format = this.format;
		boolean binary = format.binary();
		boolean slow = false;
		boolean full = false;
		synchronized (this) {
			if (this.finished) {
				return false;
			}
			for (Object item : items) {
				Delivery delivery;
				if (item instanceof StoredFrame frame) {
					delivery = new Delivery(frame.encoded(format), frame, false, binary);
				}
				else if (item instanceof Delivery encoded) {
					delivery = encoded;
				}
				else {
					delivery = new Delivery(((StreamListener.Transient) item).frame().encoded(format), null, false,
							binary);
				}
				byte[] bytes = delivery.bytes();
				if (this.bytes + bytes.length > this.maxBytes) {
					full = true;
					break;
				}
				slow |= addCounted(lane, delivery, bytes.length);
			}
		}
		return signalled(slow, full);
	}

	private boolean offer(int lane, Delivery delivery, long size) {
		boolean slow = false;
		boolean full = false;
		synchronized (this) {
			if (this.finished) {
				return false;
			}
			if (this.bytes + size > this.maxBytes) {
				full = true;
			}
			else {
				slow = addCounted(lane, delivery, size);
			}
		}
		return signalled(slow, full);
	}

	/**
	 * Add within the bound (under the lock); {@code true} when the queue just passed half
	 * full.
	 * @param lane the lane the message goes to
	 * @param delivery the message
	 * @param size the message's size in bytes
	 * @return {@code true} the first time the queue passes half full
	 */
	private boolean addCounted(int lane, Delivery delivery, long size) {
		if (isEmpty()) {
			this.lastProgressNanos = this.nanoTime.getAsLong();
		}
		add(lane, delivery);
		this.bytes += size;
		if (!this.slowSignalled && this.bytes > this.maxBytes / 2) {
			this.slowSignalled = true;
			return true;
		}
		return false;
	}

	private boolean signalled(boolean slow, boolean full) {
		if (full) {
			// Told outside the monitor: the connection reacts by finishing this queue.
			this.pressure.full();
			return false;
		}
		if (slow) {
			this.pressure.slow(this.maxBytes - queuedBytes());
		}
		scheduleDrain();
		return true;
	}

	private void add(int lane, Object item) {
		ArrayDeque<Object> deque = this.lanes[lane];
		if (deque == null) {
			deque = new ArrayDeque<>(8);
			this.lanes[lane] = deque;
		}
		deque.addLast(item);
		this.items++;
	}

	private boolean isEmpty() {
		return this.items == 0;
	}

	private void scheduleDrain() {
		Executor executor = this.drainExecutor;
		if (executor == null || (executor instanceof LoopExecutor loop && loop.inLoop())) {
			drain();
		}
		else if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				executor.execute(() -> {
					this.drainScheduled.set(false);
					drain();
				});
			}
			catch (RejectedExecutionException ex) {
				// The event loop is shutting down, and its connections with it. The flag
				// must not stay
				// set: no drain would ever be scheduled again, should the executor take
				// tasks again.
				this.drainScheduled.set(false);
				if (logger.isDebugEnabled()) {
					logger.debug("Drain of an outbound queue rejected by its executor", ex);
				}
			}
		}
	}

	private synchronized @Nullable Delivery poll() {
		for (ArrayDeque<Object> lane : this.lanes) {
			Object head = (lane != null) ? lane.peekFirst() : null;
			if (head == null) {
				continue;
			}
			if (head instanceof Replay replay) {
				StoredFrame frame = replay.next();
				if (!replay.hasNext()) {
					lane.pollFirst();
					this.items--;
				}
				return new Delivery(frame.encoded(this.format), frame, false, this.format.binary());
			}
			lane.pollFirst();
			this.items--;
			Delivery delivery = (Delivery) head;
			this.bytes -= delivery.bytes().length;
			if (this.slowSignalled && this.bytes < this.maxBytes / 4) {
				this.slowSignalled = false;
			}
			return delivery;
		}
		return null;
	}

	private void drain() {
		Writer target = this.writer;
		if (target == null || this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			try {
				writeQueued(target);
			}
			catch (RuntimeException ex) {
				// The transport failed (ready, flush or complete): what is queued waits
				// for the next
				// drain, and a queue that stays stuck is shed after write-timeout. Thrown
				// on, it would
				// leave wip set and the queue would never be drained again.
				logger.error("Writing to a push connection failed", ex);
			}
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
	}

	/**
	 * One pass of the drain loop: write while the transport is ready, then flush, and
	 * complete.
	 * @param target the transport the messages are written to
	 */
	private void writeQueued(Writer target) {
		boolean written = false;
		// What a client falls behind by, sampled at one drain in 64 (the first included):
		// recording into a histogram costs about as much as a delivery, and a drain often
		// writes one frame (DeliveryMetricsBenchmark).
		if ((this.drains++ & (QUEUE_SAMPLE_INTERVAL - 1)) == 0) {
			this.pressure.draining(queuedBytes());
		}
		while (target.ready()) {
			Delivery next;
			try {
				next = poll();
			}
			catch (RuntimeException ex) {
				// A replayed frame that cannot be encoded: it was taken off the queue,
				// the rest goes on.
				dropped(ex);
				continue;
			}
			if (next == null) {
				break;
			}
			written = true;
			try {
				target.write(next);
			}
			catch (RuntimeException ex) {
				dropped(ex);
			}
		}
		if (written) {
			this.lastProgressNanos = this.nanoTime.getAsLong();
		}
		byte[] last = null;
		boolean complete = false;
		synchronized (this) {
			if (this.finished && isEmpty() && !this.completed) {
				if (this.farewell != null && target.ready()) {
					last = this.farewell;
					this.farewell = null;
				}
				complete = this.farewell == null;
				this.completed = complete;
			}
		}
		if (last != null) {
			written = true;
			try {
				target.write(new Delivery(last, null, true, this.format.binary()));
			}
			catch (RuntimeException ex) {
				// Completed all the same, rather than left for the abort timer.
				dropped(ex);
			}
		}
		if (written) {
			target.flush();
		}
		if (complete) {
			target.complete();
		}
	}

	/**
	 * A message taken off the queue could not be written: it is lost to this connection
	 * (a frame shows as a gap to the client), the others are written.
	 * @param ex why the message could not be written
	 */
	private static void dropped(RuntimeException ex) {
		logger.error("Dropped a message that could not be written to a push connection", ex);
	}

	/**
	 * Where the queue writes: a transport that takes messages while it is
	 * {@link #ready()}. The queue writes a batch, then {@link #flush()}es; the transport
	 * calls {@link OutboundQueue#resume()} when it becomes ready again. Called by one
	 * thread at a time.
	 */
	public interface Writer {

		/**
		 * Whether the transport takes another message now.
		 * @return {@code true} to write
		 */
		boolean ready();

		/**
		 * Write one message (buffered until {@link #flush()}).
		 * @param delivery the message
		 */
		void write(Delivery delivery);

		/**
		 * The end of a batch of writes.
		 */
		void flush();

		/**
		 * Everything was written (the last message included, if any); called once.
		 */
		void complete();

	}

	/**
	 * Told when the queue fills up.
	 */
	public interface Pressure {

		/**
		 * The queue passed half full; tell the client with a {@code slow} op.
		 * @param freeBytes how many bytes are left before the bound
		 */
		void slow(long freeBytes);

		/**
		 * An offer would have passed the bound; the connection must be shed.
		 */
		void full();

		/**
		 * A drain starts with this many bytes queued; called at one drain in
		 * {@value OutboundQueue#QUEUE_SAMPLE_INTERVAL} (for a meter).
		 * @param queuedBytes the bytes queued
		 */
		default void draining(long queuedBytes) {
		}

	}

	/** The {@link #deliveries()} of a subscriber: ready while it requests. */
	private record SinkWriter(FluxSink<Delivery> sink) implements Writer {

		@Override
		public boolean ready() {
			return this.sink.requestedFromDownstream() > 0 && !this.sink.isCancelled();
		}

		@Override
		public void write(Delivery delivery) {
			this.sink.next(delivery);
		}

		@Override
		public void flush() {
		}

		@Override
		public void complete() {
			this.sink.complete();
		}

	}

	/** Frames to replay, taken one at a time. */
	private static final class Replay {

		private final List<StoredFrame> frames;

		private int index;

		Replay(List<StoredFrame> frames) {
			this.frames = frames;
		}

		StoredFrame next() {
			return this.frames.get(this.index++);
		}

		boolean hasNext() {
			return this.index < this.frames.size();
		}

	}

}

package io.pushwire.server.connection;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.Priority;
import io.pushwire.server.stream.StoredFrame;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A connection's outbound queue (PROTOCOL.md §6): a lane for system ops ahead of three lanes by
 * channel-kind priority. The writer always takes from the highest non-empty lane; each lane is FIFO,
 * so a channel's frames keep their cursor order.
 * <p>
 * Bounded by {@code maxBytes} of queued JSON. Past half full the {@link Pressure} is told once
 * ({@code slow}), again only after the queue drained below a quarter; an offer that would pass the
 * bound is refused and the pressure told {@code full} (the connection then closes with 4008).
 * Replayed frames are queued as references to the frames the stream already holds, encoded only as
 * they are written, and do not count against the bound: a resuming client is never shed for the
 * size of its own replay.
 */
public final class OutboundQueue {

	private static final int OP_LANE = 0;

	private final ArrayDeque<Object>[] lanes;

	private final long maxBytes;

	private final ProtocolCodec codec;

	private final Pressure pressure;

	private final LongSupplier nanoTime;

	private final AtomicInteger wip = new AtomicInteger();

	private long bytes;

	private boolean slowSignalled;

	private boolean finished;

	private byte @Nullable [] farewell;

	private volatile long lastProgressNanos;

	private volatile @Nullable FluxSink<Delivery> sink;

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

	}

	/**
	 * Create a queue.
	 * @param maxBytes the bound of queued JSON bytes
	 * @param codec the codec that encodes replayed frames
	 * @param pressure told when the queue fills up
	 */
	public OutboundQueue(long maxBytes, ProtocolCodec codec, Pressure pressure) {
		this(maxBytes, codec, pressure, System::nanoTime);
	}

	/**
	 * Create a queue that reads the time for {@link #stalledNanos()} from a given source (for tests).
	 * @param maxBytes the bound of queued JSON bytes
	 * @param codec the codec that encodes replayed frames
	 * @param pressure told when the queue fills up
	 * @param nanoTime the time source, like {@link System#nanoTime()}
	 */
	@SuppressWarnings("unchecked")
	OutboundQueue(long maxBytes, ProtocolCodec codec, Pressure pressure, LongSupplier nanoTime) {
		this.maxBytes = maxBytes;
		this.nanoTime = nanoTime;
		this.lastProgressNanos = nanoTime.getAsLong();
		this.codec = codec;
		this.pressure = pressure;
		this.lanes = new ArrayDeque[1 + Priority.values().length];
		for (int i = 0; i < this.lanes.length; i++) {
			this.lanes[i] = new ArrayDeque<>();
		}
	}

	/**
	 * The messages to write, in order; subscribe once. Emits no faster than the transport requests.
	 * @return the messages
	 */
	public Flux<Delivery> deliveries() {
		return Flux.create((emitter) -> {
			this.sink = emitter;
			emitter.onRequest((n) -> drain());
			drain();
		}, FluxSink.OverflowStrategy.ERROR);
	}

	/**
	 * Queue an encoded system op ahead of all frames.
	 * @param json the op's JSON
	 * @return {@code false} when refused because the queue is full or finished
	 */
	public boolean offerOp(byte[] json) {
		return offer(OP_LANE, new Delivery(json, null, true), json.length);
	}

	/**
	 * Queue a heartbeat ahead of all frames (for transports whose heartbeat is not an op).
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
		byte[] json = frame.json(this.codec);
		return offer(lane(priority), new Delivery(json, frame, false), json.length);
	}

	/**
	 * Queue a transient frame in its kind's lane.
	 * @param json the frame's JSON (shared)
	 * @param priority the kind's priority
	 * @return {@code false} when refused because the queue is full or finished
	 */
	public boolean offerTransient(byte[] json, Priority priority) {
		return offer(lane(priority), new Delivery(json, null, false), json.length);
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
			this.lanes[lane(priority)].addLast(new Replay(frames));
		}
		drain();
	}

	/**
	 * Stop: drop what is queued, write a last message (a {@code goodbye}) if given, then complete.
	 * Later offers are refused.
	 * @param lastMessage the last message's JSON, or {@code null}
	 */
	public void finish(byte @Nullable [] lastMessage) {
		synchronized (this) {
			if (this.finished) {
				return;
			}
			this.finished = true;
			this.farewell = lastMessage;
			for (ArrayDeque<Object> lane : this.lanes) {
				lane.clear();
			}
			this.bytes = 0;
		}
		drain();
	}

	/**
	 * Whether {@link #finish} was called.
	 * @return {@code true} once finishing
	 */
	public synchronized boolean isFinished() {
		return this.finished;
	}

	/**
	 * The JSON bytes queued (replays excluded).
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
				if (isEmpty()) {
					this.lastProgressNanos = this.nanoTime.getAsLong();
				}
				this.lanes[lane].addLast(delivery);
				this.bytes += size;
				if (!this.slowSignalled && this.bytes > this.maxBytes / 2) {
					this.slowSignalled = true;
					slow = true;
				}
			}
		}
		if (full) {
			// Told outside the monitor: the connection reacts by finishing this queue.
			this.pressure.full();
			return false;
		}
		if (slow) {
			this.pressure.slow(this.maxBytes - queuedBytes());
		}
		drain();
		return true;
	}



	private boolean isEmpty() {
		for (ArrayDeque<Object> lane : this.lanes) {
			if (!lane.isEmpty()) {
				return false;
			}
		}
		return true;
	}

	private synchronized @Nullable Delivery poll() {
		for (ArrayDeque<Object> lane : this.lanes) {
			Object head = lane.peekFirst();
			if (head == null) {
				continue;
			}
			if (head instanceof Replay replay) {
				StoredFrame frame = replay.next();
				if (!replay.hasNext()) {
					lane.pollFirst();
				}
				return new Delivery(frame.json(this.codec), frame, false);
			}
			lane.pollFirst();
			Delivery delivery = (Delivery) head;
			this.bytes -= delivery.json().length;
			if (this.slowSignalled && this.bytes < this.maxBytes / 4) {
				this.slowSignalled = false;
			}
			return delivery;
		}
		return null;
	}

	private void drain() {
		FluxSink<Delivery> emitter = this.sink;
		if (emitter == null || this.wip.getAndIncrement() != 0) {
			return;
		}
		int missed = 1;
		do {
			while (emitter.requestedFromDownstream() > 0 && !emitter.isCancelled()) {
				Delivery next = poll();
				if (next == null) {
					break;
				}
				this.lastProgressNanos = this.nanoTime.getAsLong();
				emitter.next(next);
			}
			byte[] last = null;
			boolean complete = false;
			synchronized (this) {
				if (this.finished && isEmpty()) {
					if (this.farewell != null) {
						if (emitter.requestedFromDownstream() > 0) {
							last = this.farewell;
							this.farewell = null;
						}
					}
					complete = this.farewell == null;
				}
			}
			if (last != null) {
				emitter.next(new Delivery(last, null, true));
			}
			if (complete) {
				emitter.complete();
			}
			missed = this.wip.addAndGet(-missed);
		}
		while (missed != 0);
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

package io.pushwire.client;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.pushwire.core.Frame;

/**
 * The client's outbound frames, bounded in count and bytes, kept across reconnects and
 * written in order. When full, the {@link SendOverflow} policy decides; sends that wait
 * for room (policy {@code reject} with a timeout) wait in a second queue bounded by the
 * same count. Thread-safe.
 */
final class SendQueue {

	private final int capacity;

	private final long maxBytes;

	private final SendOverflow overflow;

	private final ArrayDeque<Entry> queue = new ArrayDeque<>();

	private final ArrayDeque<Entry> waiting = new ArrayDeque<>();

	private final List<Sinks.Empty<Void>> emptyWaiters = new ArrayList<>();

	private long bytes;

	SendQueue(int capacity, long maxBytes, SendOverflow overflow) {
		if (capacity < 1 || maxBytes < 1) {
			throw new IllegalArgumentException("pushwire.client.send-queue.capacity and max-bytes must be positive");
		}
		this.capacity = capacity;
		this.maxBytes = maxBytes;
		this.overflow = overflow;
	}

	synchronized Offer offer(Entry entry, boolean mayWait) {
		if (entry.bytes > this.maxBytes) {
			entry
				.fail(new PushOperationException(
						"too_large", "A frame of " + entry.bytes + " bytes can never fit the send queue of "
								+ this.maxBytes + " bytes; raise pushwire.client.send-queue.max-bytes",
						entry.frame.channel()));
			return Offer.REFUSED;
		}
		if (fits(entry)) {
			add(entry);
			return Offer.ACCEPTED;
		}
		switch (this.overflow) {
			case DROP_OLDEST -> {
				while (!fits(entry) && !this.queue.isEmpty()) {
					Entry dropped = this.queue.removeFirst();
					this.bytes -= dropped.bytes;
					dropped.fail(full("dropped to make room (policy drop-oldest)", dropped));
				}
				add(entry);
				return Offer.ACCEPTED;
			}
			case DROP_NEWEST -> {
				entry.fail(full("dropped (policy drop-newest)", entry));
				return Offer.REFUSED;
			}
			default -> {
				if (mayWait && this.waiting.size() < this.capacity) {
					this.waiting.add(entry);
					return Offer.WAITING;
				}
				entry.fail(full("refused (policy reject)", entry));
				return Offer.REFUSED;
			}
		}
	}

	private PushOperationException full(String what, Entry entry) {
		return new PushOperationException("queue_full",
				"The send queue is full (" + this.queue.size() + " of " + this.capacity + " frames, " + this.bytes
						+ " of " + this.maxBytes + " bytes): frame " + what
						+ "; raise pushwire.client.send-queue.capacity / max-bytes or send more slowly",
				entry.frame.channel());
	}

	private boolean fits(Entry entry) {
		return this.queue.size() < this.capacity && this.bytes + entry.bytes <= this.maxBytes;
	}

	private void add(Entry entry) {
		this.queue.addLast(entry);
		this.bytes += entry.bytes;
	}

	synchronized @Nullable Entry peek() {
		return this.queue.peekFirst();
	}

	/**
	 * Remove a written entry and let waiting sends in.
	 * @param entry the entry written
	 */
	void remove(Entry entry) {
		List<Sinks.Empty<Void>> drained = null;
		synchronized (this) {
			if (this.queue.remove(entry)) {
				this.bytes -= entry.bytes;
			}
			while (!this.waiting.isEmpty() && fits(this.waiting.peekFirst())) {
				add(this.waiting.removeFirst());
			}
			if (this.queue.isEmpty() && !this.emptyWaiters.isEmpty()) {
				drained = new ArrayList<>(this.emptyWaiters);
				this.emptyWaiters.clear();
			}
		}
		if (drained != null) {
			drained.forEach(Sinks.Empty::tryEmitEmpty);
		}
	}

	/**
	 * Withdraw an entry that is waiting or queued (its send timed out), so that it is not
	 * written later behind the caller's back.
	 * @param entry the entry whose send timed out
	 */
	void withdraw(Entry entry) {
		boolean removed;
		synchronized (this) {
			removed = this.waiting.remove(entry);
		}
		if (!removed) {
			remove(entry);
		}
	}

	/**
	 * Fail and remove the volatile frames (the connection is gone).
	 */
	void dropVolatile() {
		List<Entry> dropped = new ArrayList<>();
		synchronized (this) {
			for (Iterator<Entry> it = this.queue.iterator(); it.hasNext();) {
				Entry entry = it.next();
				if (entry.volatileFrame) {
					it.remove();
					this.bytes -= entry.bytes;
					dropped.add(entry);
				}
			}
		}
		dropped.forEach((entry) -> entry.fail(new PushOperationException("not_connected",
				"The connection was lost before this volatile frame was written; volatile frames are never queued",
				entry.frame.channel())));
	}

	/**
	 * Completes when nothing is queued.
	 * @return completes once the queue is empty
	 */
	Mono<Void> whenEmpty() {
		synchronized (this) {
			if (this.queue.isEmpty()) {
				return Mono.empty();
			}
			Sinks.Empty<Void> waiter = Sinks.empty();
			this.emptyWaiters.add(waiter);
			return waiter.asMono();
		}
	}

	synchronized int size() {
		return this.queue.size();
	}

	synchronized long bytes() {
		return this.bytes;
	}

	/**
	 * One queued frame.
	 */
	static final class Entry {

		final Frame frame;

		final int bytes;

		final boolean volatileFrame;

		final Sinks.One<Void> result = Sinks.one();

		Entry(Frame frame, int bytes, boolean volatileFrame) {
			this.frame = frame;
			this.bytes = bytes;
			this.volatileFrame = volatileFrame;
		}

		void complete() {
			this.result.tryEmitEmpty();
		}

		void fail(Throwable error) {
			this.result.tryEmitError(error);
		}

	}

	/** What {@link #offer} did. */
	enum Offer {

		/** Queued. */
		ACCEPTED,

		/** Waiting for room. */
		WAITING,

		/** Refused; the entry has failed. */
		REFUSED

	}

}

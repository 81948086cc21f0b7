package io.pushwire.server.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.pushwire.core.PreparedMessage;

/**
 * The listeners of one stream, for stores to fan frames out with. Listeners are grouped
 * by executor (a connection's event loop), and a frame costs the publisher one hand-off
 * per group rather than one call per listener: each event loop then gives the frames
 * waiting for it to each of its listeners as one batch, which its connections write with
 * one flush. Listeners without an executor form one more group that is delivered on a
 * publishing thread, but never under the stream's lock, so such a listener may publish
 * (to any stream) from its callback.
 * <p>
 * {@link #publish} and {@link #publishTransient} must be called in publishing order by
 * one thread at a time (under the stream's lock); {@link #add} too, so that a listener
 * added after a frame never receives it from here. After releasing the lock, the
 * publisher calls {@link #deliver()} (always after a transient frame, and after a frame
 * when {@link #publish} said so). {@link #remove} may be called from anywhere.
 * <p>
 * A group holds at most {@value #MAX_PENDING} items for its event loop. Past that the
 * publisher delivers the batch itself (to the queues of the group's connections, which
 * the event loop drains): a publisher faster than the event loops is slowed down to their
 * pace instead of piling frames up. An event loop never waits for such a publisher: it
 * leaves the batch to it.
 */
final class StreamListeners {

	private static final Log logger = LogFactory.getLog(StreamListeners.class);

	static final int MAX_PENDING = 1024;

	/**
	 * The listeners without an executor, delivered by whichever publishing thread gets
	 * there first.
	 */
	private final Group direct = new Group(null);

	private final Map<Executor, Group> groups = new ConcurrentHashMap<>();

	/**
	 * Add a listener.
	 * @param listener the listener
	 */
	void add(StreamListener listener) {
		Executor executor = listener.executor();
		if (executor == null) {
			this.direct.join(listener);
		}
		else {
			this.groups.computeIfAbsent(executor, Group::new).join(listener);
		}
	}

	/**
	 * Remove a listener; it may still be given the frames already handed off for it.
	 * @param listener the listener
	 */
	void remove(StreamListener listener) {
		Executor executor = listener.executor();
		Group group = (executor != null) ? this.groups.get(executor) : this.direct;
		if (group != null) {
			group.members.remove(listener);
		}
	}

	/**
	 * Whether no listener is attached.
	 * @return {@code true} when empty
	 */
	boolean isEmpty() {
		if (!this.direct.members.isEmpty()) {
			return false;
		}
		for (Group group : this.groups.values()) {
			if (!group.members.isEmpty()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * How many listeners are attached, read without a lock (a statistic: it may miss a
	 * listener being added or removed meanwhile).
	 * @return the count
	 */
	int size() {
		int count = this.direct.members.size();
		for (Group group : this.groups.values()) {
			count += group.members.size();
		}
		return count;
	}

	/**
	 * Hand a frame off to every listener.
	 * @param frame the frame
	 * @return whether {@link #deliver()} must be called once the stream's lock is
	 * released
	 */
	boolean publish(StoredFrame frame) {
		return handOff(frame) < 0;
	}

	/**
	 * Hand a transient frame off to every listener; {@link #deliver()} must follow once
	 * the stream's lock is released.
	 * @param channel the channel
	 * @param frame the frame, encoded once per wire format for all listeners
	 * @return how many listeners it was given to
	 */
	int publishTransient(String channel, PreparedMessage frame) {
		return Math.abs(handOff(new StreamListener.Transient(channel, frame))) - 1;
	}

	/**
	 * Hand a new epoch of the stream off to every listener, in order with the frames;
	 * {@link #deliver()} must follow once the stream's lock is released.
	 * @param change the new epoch
	 */
	void publishEpochChange(StreamListener.EpochChange change) {
		handOff(change);
	}

	/**
	 * Deliver what is due on the calling thread: the items for listeners without an
	 * executor, and the backlog of groups whose event loop fell {@value #MAX_PENDING}
	 * items behind. Called without the stream's lock, so a listener may publish from its
	 * callback; frames reach each listener in order whichever thread delivers them.
	 */
	void deliver() {
		if (!this.direct.members.isEmpty()) {
			this.direct.deliverDirect();
		}
		for (Group group : this.groups.values()) {
			if (group.full) {
				group.deliverBacklog();
			}
		}
	}

	/**
	 * Hand an item to every group with members.
	 * @param item the frame, transient message or epoch change to hand off
	 * @return the number of listeners given the item plus one, negated when
	 * {@link #deliver()} is due
	 */
	private int handOff(Object item) {
		int given = 0;
		boolean due = false;
		int members = this.direct.members.size();
		if (members > 0) {
			this.direct.add(item);
			given += members;
			due = true;
		}
		for (Group group : this.groups.values()) {
			members = group.members.size();
			if (members > 0) {
				due |= group.add(item);
				given += members;
			}
		}
		return due ? -(given + 1) : given + 1;
	}

	/** The listeners on one executor (or without one) and the items waiting for them. */
	private static final class Group implements Runnable {

		private final @Nullable Executor executor;

		/**
		 * Each member with the number of items handed off before it joined, which are not
		 * for it.
		 */
		private final Map<StreamListener, Long> members = new ConcurrentHashMap<>();

		/**
		 * Held while a batch is taken and delivered, so that batches reach listeners in
		 * order. Only a publisher waits for it; an event loop that finds it held leaves
		 * its batch to the holder.
		 */
		private final ReentrantLock delivering = new ReentrantLock();

		/**
		 * Set by an event loop that left its batch to the holder of {@link #delivering}.
		 */
		private volatile boolean missed;

		/**
		 * Drains of the direct group requested; the thread that raises it from 0 delivers
		 * for all.
		 */
		private final AtomicInteger wip = new AtomicInteger();

		/**
		 * Whether the event loop fell {@value #MAX_PENDING} items behind, so the
		 * publisher delivers.
		 */
		private volatile boolean full;

		private List<Object> pending = new ArrayList<>();

		private boolean scheduled;

		/** Items handed off so far. */
		private long added;

		Group(@Nullable Executor executor) {
			this.executor = executor;
		}

		void join(StreamListener listener) {
			synchronized (this) {
				this.members.put(listener, this.added);
			}
		}

		/**
		 * Add an item for the members.
		 * @param item the frame or transient message
		 * @return whether the publisher must deliver the backlog
		 */
		boolean add(Object item) {
			boolean schedule;
			boolean backlog;
			synchronized (this) {
				this.pending.add(item);
				this.added++;
				if (this.executor == null) {
					return false;
				}
				backlog = this.pending.size() >= MAX_PENDING;
				schedule = !this.scheduled && !backlog;
				this.scheduled |= schedule;
				if (backlog) {
					this.full = true;
				}
			}
			if (schedule) {
				try {
					this.executor.execute(this);
				}
				catch (java.util.concurrent.RejectedExecutionException ex) {
					// An event loop shutting down: the items wait for the next hand-off
					// (or for the
					// backlog rule) instead of the flag saying forever that one is
					// scheduled.
					synchronized (this) {
						this.scheduled = false;
					}
					logger.debug("Event loop refused a batch; it is handed off again with the next item", ex);
				}
			}
			return backlog;
		}

		/**
		 * On the event loop: deliver, unless a publisher is delivering (it then takes
		 * this batch too).
		 */
		@Override
		public void run() {
			this.missed = true;
			if (!this.delivering.isHeldByCurrentThread() && this.delivering.tryLock()) {
				deliverAndUnlock();
			}
		}

		/**
		 * On a publisher: wait for the batch being delivered, then deliver the backlog.
		 */
		void deliverBacklog() {
			if (this.delivering.isHeldByCurrentThread()) {
				// Published from inside a delivery of this group: the delivery in
				// progress takes it.
				this.missed = true;
				return;
			}
			this.delivering.lock();
			deliverAndUnlock();
		}

		private void deliverAndUnlock() {
			while (true) {
				try {
					this.missed = false;
					deliverPending();
				}
				finally {
					this.delivering.unlock();
				}
				// An event loop that found the lock held after the batch was taken left
				// its items to us.
				if (!this.missed || !this.delivering.tryLock()) {
					return;
				}
			}
		}

		/**
		 * For listeners without an executor: one thread at a time delivers, taking along
		 * what others published meanwhile, so each listener gets frames in cursor order
		 * and a listener that publishes from its callback only adds to the work of the
		 * loop it runs in.
		 */
		void deliverDirect() {
			if (this.wip.getAndIncrement() != 0) {
				return;
			}
			int requested = 1;
			try {
				do {
					deliverPending();
					requested = this.wip.addAndGet(-requested);
				}
				while (requested != 0);
			}
			catch (Throwable ex) {
				// Never leave the group wedged: the next publisher delivers what is left.
				this.wip.set(0);
				throw ex;
			}
		}

		private void deliverPending() {
			List<Object> batch;
			long before;
			synchronized (this) {
				batch = this.pending;
				if (batch.isEmpty()) {
					return;
				}
				this.pending = new ArrayList<>();
				this.scheduled = false;
				this.full = false;
				before = this.added - batch.size();
			}
			for (Map.Entry<StreamListener, Long> member : this.members.entrySet()) {
				long skip = member.getValue() - before;
				try {
					if (skip <= 0) {
						member.getKey().onBatch(batch);
					}
					else if (skip < batch.size()) {
						member.getKey().onBatch(batch.subList((int) skip, batch.size()));
					}
				}
				catch (RuntimeException ex) {
					// One broken listener must not cost the others these frames.
					logger.error("Stream listener failed on a batch of " + batch.size() + " frames", ex);
				}
			}
		}

	}

}

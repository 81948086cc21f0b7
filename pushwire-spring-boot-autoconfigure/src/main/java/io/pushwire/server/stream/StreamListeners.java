package io.pushwire.server.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The listeners of one stream, for stores to fan frames out with. Listeners without an executor are
 * called on the publishing thread; the others are grouped by executor (a connection's event loop), and
 * a frame costs the publisher one hand-off per group rather than one call per listener: each event
 * loop then gives the frames waiting for it to each of its listeners as one batch, which its
 * connections write with one flush.
 * <p>
 * {@link #publish} and {@link #publishTransient} must be called in publishing order by one thread at
 * a time (under the stream's lock); {@link #add} too, so that a listener added after a frame never
 * receives it from here. {@link #remove} may be called from anywhere.
 * <p>
 * A group holds at most {@value #MAX_PENDING} items for its event loop. Past that the publisher
 * delivers the batch itself (to the queues of the group's connections, which the event loop drains):
 * a publisher faster than the event loops is slowed down to their pace instead of piling frames up.
 */
public final class StreamListeners {

	private static final Log logger = LogFactory.getLog(StreamListeners.class);

	static final int MAX_PENDING = 1024;

	private final Set<StreamListener> direct = ConcurrentHashMap.newKeySet();

	private final Map<Executor, Group> groups = new ConcurrentHashMap<>();

	/**
	 * Add a listener.
	 * @param listener the listener
	 */
	public void add(StreamListener listener) {
		Executor executor = listener.executor();
		if (executor == null) {
			this.direct.add(listener);
		}
		else {
			this.groups.computeIfAbsent(executor, Group::new).join(listener);
		}
	}

	/**
	 * Remove a listener; it may still be given the frames already handed to its executor.
	 * @param listener the listener
	 */
	public void remove(StreamListener listener) {
		Executor executor = listener.executor();
		if (executor == null) {
			this.direct.remove(listener);
		}
		else {
			Group group = this.groups.get(executor);
			if (group != null) {
				group.members.remove(listener);
			}
		}
	}

	/**
	 * Whether no listener is attached.
	 * @return {@code true} when empty
	 */
	public boolean isEmpty() {
		if (!this.direct.isEmpty()) {
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
	 * Give a frame to every listener.
	 * @param frame the frame
	 */
	public void publish(StoredFrame frame) {
		for (StreamListener listener : this.direct) {
			try {
				listener.onFrame(frame);
			}
			catch (RuntimeException ex) {
				// One broken listener must not cost the others this frame.
				logger.error("Stream listener failed on " + frame, ex);
			}
		}
		handOff(frame);
	}

	/**
	 * Give a transient frame to every listener.
	 * @param channel the channel
	 * @param json the frame's JSON
	 * @return how many listeners it was given to
	 */
	public int publishTransient(String channel, byte[] json) {
		int given = 0;
		for (StreamListener listener : this.direct) {
			try {
				listener.onTransient(channel, json);
				given++;
			}
			catch (RuntimeException ex) {
				logger.error("Stream listener failed on a transient frame of " + channel, ex);
			}
		}
		return given + handOff(new StreamListener.Transient(channel, json));
	}

	private int handOff(Object item) {
		int given = 0;
		for (Group group : this.groups.values()) {
			int members = group.members.size();
			if (members > 0) {
				group.add(item);
				given += members;
			}
		}
		return given;
	}

	/** The listeners on one executor and the items waiting for them. */
	private static final class Group implements Runnable {

		private final Executor executor;

		/** Each member with the number of items handed off before it joined, which are not for it. */
		private final Map<StreamListener, Long> members = new ConcurrentHashMap<>();

		/** Held while a batch is taken and delivered, so that batches reach listeners in order. */
		private final ReentrantLock delivering = new ReentrantLock();

		private List<Object> pending = new ArrayList<>();

		private boolean scheduled;

		/** Items handed off so far. */
		private long added;

		Group(Executor executor) {
			this.executor = executor;
		}

		void join(StreamListener listener) {
			synchronized (this) {
				this.members.put(listener, this.added);
			}
		}

		void add(Object item) {
			boolean schedule;
			boolean full;
			synchronized (this) {
				this.pending.add(item);
				this.added++;
				full = this.pending.size() >= MAX_PENDING;
				schedule = !this.scheduled && !full;
				this.scheduled |= schedule;
			}
			if (full) {
				run();
			}
			else if (schedule) {
				this.executor.execute(this);
			}
		}

		@Override
		public void run() {
			this.delivering.lock();
			try {
				List<Object> batch;
				long before;
				synchronized (this) {
					batch = this.pending;
					if (batch.isEmpty()) {
						return;
					}
					this.pending = new ArrayList<>();
					this.scheduled = false;
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
						logger.error("Stream listener failed on a batch of " + batch.size() + " frames", ex);
					}
				}
			}
			finally {
				this.delivering.unlock();
			}
		}

	}

}

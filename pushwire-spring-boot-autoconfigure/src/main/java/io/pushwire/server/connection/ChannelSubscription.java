package io.pushwire.server.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;

import io.pushwire.core.PreparedMessage;
import io.pushwire.core.SystemOp;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.observation.PushMetrics;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.ResumePlan;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;
import io.pushwire.server.stream.StreamListener.EpochChange;
import io.pushwire.server.stream.StreamListener.Transient;

/**
 * One connection's subscription to one channel. It starts <em>held</em>: frames that
 * arrive while the connection is still sending {@code auth_ok} or {@code subscribed} are
 * kept (at most the kind's history size; more sheds the connection) and queued after the
 * replay on {@link #release()}. From then on frames go straight to the outbound queue,
 * each cursor at most once.
 */
final class ChannelSubscription implements StreamListener {

	private static final int MIN_HELD = 64;

	private final ClientConnection connection;

	private final String channel;

	private final Priority priority;

	private final int maxHeld;

	/** Resolved once: counted per batch without a lookup. */
	private final PushMetrics.ChannelMeters meters;

	/**
	 * The connection's event loop, fixed for the subscription's life (the stream groups
	 * by it).
	 */
	private final @Nullable Executor executor;

	private @Nullable List<Object> held = new ArrayList<>();

	/**
	 * Until released: nothing reads it after, and an idle connection would keep it for
	 * its life.
	 */
	private @Nullable ResumePlan plan;

	/** The epoch of the stream attached (one string, the stream's). */
	private @Nullable String epoch;

	private @Nullable Disposable detach;

	/**
	 * The frames to replay, dropped once queued so that they are not held for the
	 * subscription's life.
	 */
	private @Nullable List<StoredFrame> replay;

	private long lastCursor;

	private boolean cancelled;

	/**
	 * For a client that asked for delta updates on the channel (PROTOCOL.md §8.3);
	 * {@code null} otherwise, which costs the others nothing per frame.
	 */
	private final @Nullable DeltaBase delta;

	ChannelSubscription(ClientConnection connection, String channel, ChannelKind kind) {
		this(connection, channel, kind, null);
	}

	ChannelSubscription(ClientConnection connection, String channel, ChannelKind kind, @Nullable DeltaBase delta) {
		this.delta = delta;
		this.connection = connection;
		this.channel = channel;
		this.priority = kind.priority();
		this.maxHeld = Math.max(MIN_HELD, kind.historySize());
		this.executor = connection.queue().drainExecutor();
		this.meters = connection.metrics().channel(kind.name(), connection.transport());
	}

	@Override
	public @Nullable Executor executor() {
		return this.executor;
	}

	/**
	 * A batch on the connection's event loop: queued with one lock and written with one
	 * flush.
	 */
	@Override
	public void onBatch(List<Object> items) {
		synchronized (this) {
			if (this.cancelled) {
				return;
			}
			if (this.held == null) {
				long last = this.lastCursor;
				boolean seen = false;
				boolean other = false;
				for (int i = 0; i < items.size() && !other; i++) {
					Object item = items.get(i);
					if (item instanceof StoredFrame frame) {
						seen |= frame.cursor() <= last;
						other = !sameEpoch(frame.epoch());
						last = frame.cursor();
					}
					else {
						other = item instanceof EpochChange;
					}
				}
				if (other) {
					// A new epoch of the stream (a shared store lost it): rare, so one at
					// a time.
					for (Object item : items) {
						deliver(item);
					}
					return;
				}
				List<Object> fresh = items;
				if (seen) {
					// Some already replayed: rare, so the batch is copied only then.
					fresh = unseen(items);
				}
				else {
					this.lastCursor = last;
				}
				if (this.delta != null) {
					fresh = this.delta.next(fresh);
				}
				if (this.connection.queue().offerBatch(fresh, this.priority)) {
					this.meters.delivered(fresh.size());
				}
				return;
			}
		}
		// Still held (auth_ok or subscribed not yet queued): one at a time, as when
		// called directly.
		StreamListener.super.onBatch(items);
	}

	private List<Object> unseen(List<Object> items) {
		List<Object> fresh = new ArrayList<>(items.size());
		for (Object item : items) {
			if (item instanceof StoredFrame frame) {
				if (frame.cursor() <= this.lastCursor) {
					continue;
				}
				this.lastCursor = frame.cursor();
			}
			fresh.add(item);
		}
		return fresh;
	}

	String channel() {
		return this.channel;
	}

	Priority priority() {
		return this.priority;
	}

	/**
	 * The stream attached this subscription; when it was cancelled meanwhile, it is
	 * detached now.
	 * @param attachment the attachment
	 */
	void attached(Attachment attachment) {
		synchronized (this) {
			this.plan = attachment.plan();
			this.epoch = attachment.plan().epoch();
			this.detach = attachment.detach();
			if (!this.cancelled) {
				this.replay = attachment.replay();
				this.lastCursor = attachment.plan().after();
				return;
			}
		}
		attachment.detach().dispose();
	}

	/**
	 * How the stream attached this subscription; read before {@link #release()} only.
	 * @return the plan
	 */
	synchronized ResumePlan plan() {
		ResumePlan current = this.plan;
		if (current == null) {
			throw new IllegalStateException("Not attached, or released already");
		}
		return current;
	}

	/**
	 * The epoch of the stream attached.
	 * @return the epoch
	 */
	synchronized String epoch() {
		String current = this.epoch;
		if (current == null) {
			throw new IllegalStateException("Not attached");
		}
		return current;
	}

	synchronized long lastCursor() {
		return this.lastCursor;
	}

	/**
	 * Queue the replay and the frames held meanwhile, then deliver frames as they come.
	 */
	void release() {
		synchronized (this) {
			List<StoredFrame> frames = this.replay;
			List<Object> pending = this.held;
			if (frames == null || pending == null || this.cancelled) {
				return;
			}
			if (!frames.isEmpty()) {
				// Counted before the frames are queued: once queued, they may reach the
				// client before this thread goes on.
				this.meters.replayed(frames.size());
				this.lastCursor = frames.get(frames.size() - 1).cursor();
				if (this.delta != null) {
					// Replays go in full; live frames after them may be deltas.
					this.delta.replayed(frames.get(frames.size() - 1));
				}
			}
			this.connection.queue().offerReplay(frames, this.priority);
			this.replay = null;
			this.held = null;
			this.plan = null;
			for (Object item : pending) {
				deliver(item);
			}
		}
	}

	@Override
	public void onFrame(StoredFrame frame) {
		boolean overflow = false;
		synchronized (this) {
			if (this.cancelled) {
				return;
			}
			List<Object> pending = this.held;
			if (pending != null) {
				if (pending.size() >= this.maxHeld) {
					overflow = true;
				}
				else {
					pending.add(frame);
				}
			}
			else {
				deliver(frame);
			}
		}
		if (overflow) {
			this.connection.queueFull();
		}
	}

	@Override
	public void onTransient(String channel, PreparedMessage frame) {
		synchronized (this) {
			if (this.cancelled) {
				return;
			}
			List<Object> pending = this.held;
			if (pending != null) {
				if (pending.size() < this.maxHeld) {
					pending.add(frame);
				}
				return;
			}
			if (this.connection.queue().offerTransient(frame, this.priority)) {
				this.meters.delivered(1);
			}
		}
	}

	@Override
	public void onEpochChange(EpochChange change) {
		synchronized (this) {
			if (this.cancelled) {
				return;
			}
			List<Object> pending = this.held;
			if (pending != null) {
				pending.add(change);
			}
			else {
				deliver(change);
			}
		}
	}

	private void deliver(Object item) {
		if (item instanceof StoredFrame frame) {
			// A frame of another epoch than this subscription's, not announced by an
			// epoch change, is one the store sent before it noticed the change: stale.
			if (frame.cursor() <= this.lastCursor || !sameEpoch(frame.epoch())) {
				return;
			}
			this.lastCursor = frame.cursor();
			Object next = (this.delta != null) ? this.delta.next(frame) : frame;
			boolean queued = (next instanceof Delivery encoded)
					? this.connection.queue().offerEncoded(encoded, this.priority)
					: this.connection.queue().offerFrame(frame, this.priority);
			if (queued) {
				this.meters.delivered(1);
			}
		}
		else if (item instanceof EpochChange change) {
			changeEpoch(change);
		}
		else {
			PreparedMessage frame = (item instanceof Transient transientFrame) ? transientFrame.frame()
					: (PreparedMessage) item;
			if (this.connection.queue().offerTransient(frame, this.priority)) {
				this.meters.delivered(1);
			}
		}
	}

	/**
	 * The stream started again under a new epoch: the client is told with
	 * {@code resume_required} (queued behind the frames of the old epoch, so that it
	 * resets its cursor after them), and the new epoch's frames follow from its first
	 * cursor. Nothing happens when this subscription attached in the new epoch already.
	 * @param change the new epoch
	 */
	private void changeEpoch(EpochChange change) {
		if (sameEpoch(change.epoch())) {
			return;
		}
		this.epoch = change.epoch();
		this.lastCursor = change.fromCursor() - 1;
		DefaultPushSession session = this.connection.session();
		if (session != null) {
			session.channelAdded(this.channel, change.epoch());
		}
		this.connection.metrics().resumeRequired();
		OutboundQueue queue = this.connection.queue();
		queue.offerOpBehind(
				queue.format().toBytes(new SystemOp.ResumeRequired(this.channel, change.fromCursor(), change.epoch())),
				this.priority);
	}

	private boolean sameEpoch(String other) {
		String current = this.epoch;
		return current == null || current.equals(other);
	}

	void cancel() {
		Disposable detach;
		synchronized (this) {
			this.cancelled = true;
			this.held = null;
			this.replay = null;
			detach = this.detach;
		}
		if (detach != null) {
			detach.dispose();
		}
	}

}

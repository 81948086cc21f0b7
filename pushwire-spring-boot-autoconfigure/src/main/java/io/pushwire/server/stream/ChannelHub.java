package io.pushwire.server.stream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.PreparedMessage;

/**
 * This node's fan-out: per channel, the listeners attached on this node
 * ({@link StreamListeners}), to which a stored frame is delivered, as centrifuge's hub is
 * separate from its broker. A {@link ChannelStore} decides cursors and keeps frames; the
 * hub only delivers, and one object is shared by all the channels of the node (no
 * connection holds more for it).
 * <p>
 * Two ways to use it, one per store. The in-memory store keeps each channel's listeners
 * from {@link #listeners} in its stream and calls them under the stream's own lock, so
 * that numbering a frame and handing it off are one step. A store of several nodes feeds
 * the hub through {@link #publish}, which {@link HubChannelStreamStore} pairs with
 * {@link #add} and {@link #remove}.
 *
 * @since 0.1.0
 */
public final class ChannelHub {

	private final Map<String, StreamListeners> channels = new ConcurrentHashMap<>();

	/**
	 * The listeners of a channel, made on first use and kept until {@link #release
	 * released}. The caller serializes its calls to {@link StreamListeners#add} and
	 * {@link StreamListeners#publish}.
	 * @param channel the channel
	 * @return the listeners
	 */
	StreamListeners listeners(String channel) {
		return this.channels.computeIfAbsent(channel, (name) -> new StreamListeners());
	}

	/**
	 * Forget a channel's listeners if they are still those given and none is attached (a
	 * store retired the channel's stream).
	 * @param channel the channel
	 * @param listeners the listeners the store held
	 */
	void release(String channel, StreamListeners listeners) {
		this.channels.computeIfPresent(channel,
				(name, current) -> (current == listeners && current.isEmpty()) ? null : current);
	}

	/**
	 * Attach a listener to a channel: it receives every frame {@link #publish published}
	 * from now on.
	 * @param channel the channel
	 * @param listener the listener
	 */
	public void add(String channel, StreamListener listener) {
		this.channels.compute(channel, (name, current) -> {
			StreamListeners target = (current != null) ? current : new StreamListeners();
			synchronized (target) {
				target.add(listener);
			}
			return target;
		});
	}

	/**
	 * Detach a listener; it may still be given the frames already handed off for it.
	 * @param channel the channel
	 * @param listener the listener
	 * @param lastGone run, under the channel's lock, when this was the channel's last
	 * listener on this node (a store then stops following it); must be quick and never
	 * block
	 */
	public void remove(String channel, StreamListener listener, @Nullable Runnable lastGone) {
		this.channels.computeIfPresent(channel, (name, current) -> {
			current.remove(listener);
			if (!current.isEmpty()) {
				return current;
			}
			if (lastGone != null) {
				lastGone.run();
			}
			return null;
		});
	}

	/**
	 * Deliver a stored frame to the listeners of its channel on this node. A store calls
	 * it with one channel's frames in cursor order, one call at a time per channel; it
	 * never blocks, and listeners may publish from their callbacks.
	 * @param frame the frame
	 */
	public void publish(StoredFrame frame) {
		StreamListeners listeners = this.channels.get(frame.channel());
		if (listeners == null) {
			return;
		}
		boolean due;
		synchronized (listeners) {
			due = listeners.publish(frame);
		}
		if (due) {
			listeners.deliver();
		}
	}

	/**
	 * Tell the listeners of a channel on this node that its stream was lost and started
	 * again under a new epoch, in order with its frames: a store calls it before the
	 * first frame of the new epoch, as it calls {@link #publish}.
	 * @param channel the channel
	 * @param epoch the new epoch
	 * @param fromCursor the first cursor of the new epoch that follows
	 */
	public void publishEpochChange(String channel, String epoch, long fromCursor) {
		StreamListeners listeners = this.channels.get(channel);
		if (listeners == null) {
			return;
		}
		synchronized (listeners) {
			listeners.publishEpochChange(new StreamListener.EpochChange(channel, epoch, fromCursor));
		}
		listeners.deliver();
	}

	/**
	 * Deliver a transient frame (not stored, no cursor) to the listeners of a channel on
	 * this node.
	 * @param channel the channel
	 * @param frame the frame, encoded once per wire format on first use
	 * @return how many listeners it was given to
	 */
	public int publishTransient(String channel, PreparedMessage frame) {
		StreamListeners listeners = this.channels.get(channel);
		if (listeners == null) {
			return 0;
		}
		int given;
		synchronized (listeners) {
			given = listeners.publishTransient(channel, frame);
		}
		listeners.deliver();
		return given;
	}

	/**
	 * How many channels have listeners (or a stream) on this node.
	 * @return the count
	 */
	public int size() {
		return this.channels.size();
	}

	/**
	 * The channels with the most listeners on this node, for operators (the
	 * {@code pushwire} actuator endpoint). One pass over the channels without a lock and
	 * without copying them; only {@code limit} entries are kept.
	 * @param limit how many channels at most
	 * @return the busiest channels, most listeners first; channels without listeners are
	 * left out
	 */
	public List<ChannelActivity> busiest(int limit) {
		if (limit <= 0) {
			throw new IllegalArgumentException("limit must be positive, was " + limit);
		}
		Comparator<ChannelActivity> bySubscribers = Comparator.comparingInt(ChannelActivity::subscribers);
		PriorityQueue<ChannelActivity> top = new PriorityQueue<>(limit + 1, bySubscribers);
		for (Map.Entry<String, StreamListeners> entry : this.channels.entrySet()) {
			int subscribers = entry.getValue().size();
			if (subscribers > 0 && (top.size() < limit || subscribers > top.peek().subscribers())) {
				top.add(new ChannelActivity(entry.getKey(), subscribers));
				if (top.size() > limit) {
					top.poll();
				}
			}
		}
		List<ChannelActivity> result = new ArrayList<>(top);
		result.sort(bySubscribers.reversed().thenComparing(ChannelActivity::channel));
		return result;
	}

	/**
	 * A channel and how many listeners it has on this node.
	 *
	 * @param channel the channel name
	 * @param subscribers the listeners attached on this node
	 * @since 0.1.0
	 */
	public record ChannelActivity(String channel, int subscribers) {

	}

}

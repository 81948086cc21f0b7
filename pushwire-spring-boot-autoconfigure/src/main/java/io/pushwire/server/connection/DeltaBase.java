package io.pushwire.server.connection;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.WireFormat;
import io.pushwire.server.stream.StoredFrame;

/**
 * What a subscription that asked for delta updates (PROTOCOL.md §8.3) remembers: the last
 * frame of the channel queued to the connection, to which the next frame may be a delta.
 * One reference to a frame the stream shares, never a copy of a payload. Guarded by its
 * subscription.
 */
final class DeltaBase {

	private final ProtocolCodec json;

	private final WireFormat format;

	private @Nullable StoredFrame last;

	DeltaBase(ProtocolCodec json, WireFormat format) {
		this.json = json;
		this.format = format;
	}

	/**
	 * What to queue for a frame: a {@link Delivery} of its delta when the last frame
	 * queued is the one before it, the frame itself (in full) otherwise.
	 * @param frame the frame about to be queued
	 * @return a delivery or the frame
	 */
	Object next(StoredFrame frame) {
		StoredFrame previous = this.last;
		this.last = frame;
		if (previous == null) {
			return frame;
		}
		byte[] bytes = frame.deltaEncoded(previous, this.format, this.json);
		return (bytes != null) ? new Delivery(bytes, frame, false, this.format.binary()) : frame;
	}

	/**
	 * The same for a batch of frames and transient frames, copied only when one goes as a
	 * delta.
	 * @param items the batch
	 * @return the batch to queue
	 */
	List<Object> next(List<Object> items) {
		List<Object> prepared = null;
		for (int i = 0; i < items.size(); i++) {
			Object item = items.get(i);
			Object next = (item instanceof StoredFrame frame) ? next(frame) : item;
			if (next != item && prepared == null) {
				prepared = new ArrayList<>(items.subList(0, i));
			}
			if (prepared != null) {
				prepared.add(next);
			}
		}
		return (prepared != null) ? prepared : items;
	}

	/**
	 * Frames were replayed in full: the next frame may be a delta against the last.
	 * @param replayed the last frame replayed
	 */
	void replayed(StoredFrame replayed) {
		this.last = replayed;
	}

}

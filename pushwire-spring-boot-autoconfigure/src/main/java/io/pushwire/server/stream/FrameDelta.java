package io.pushwire.server.stream;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.DeltaFrame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.WireFormat;

/**
 * A stored frame as a delta against the frame before it in its stream (PROTOCOL.md §8.3):
 * made once, on the first delivery as a delta, and encoded once per format; shared by
 * every connection whose previous frame on the channel is that frame. Guarded by the
 * frame that holds it.
 */
final class FrameDelta {

	/**
	 * Recorded for a format in which the delta is no smaller than the full frame (or the
	 * retained bytes had no room for it): that format gets the full frame.
	 */
	private static final byte[] FULL = new byte[0];

	private final DeltaFrame message;

	private final byte @Nullable [][] encodings = new byte[WireFormat.MAX_INDEX + 1][];

	private FrameDelta(DeltaFrame message) {
		this.message = message;
	}

	/**
	 * Make the delta from one frame's payload to the next one's, on the payloads' compact
	 * UTF-8 JSON.
	 * @param previous the frame before
	 * @param frame the frame
	 * @param json the JSON codec whose mapper writes payloads
	 * @return the delta
	 */
	static FrameDelta between(StoredFrame previous, StoredFrame frame, ProtocolCodec json) {
		byte[] source = json.mapper().writeValueAsBytes(previous.payload());
		byte[] target = json.mapper().writeValueAsBytes(frame.payload());
		return new FrameDelta(new DeltaFrame(frame.channel(), frame.cursor(),
				DeltaFrame.Delta.of(previous.cursor(), source, target), frame.clientId()));
	}

	DeltaFrame message() {
		return this.message;
	}

	/**
	 * The encoding in a format, if made.
	 * @param index the format's index
	 * @return the bytes, {@link #isFull empty} when the format gets the full frame, or
	 * {@code null} when not made yet
	 */
	byte @Nullable [] encoded(int index) {
		return this.encodings[index];
	}

	void put(int index, byte[] bytes) {
		this.encodings[index] = bytes;
	}

	static byte[] full() {
		return FULL;
	}

	static boolean isFull(byte[] bytes) {
		return bytes.length == 0;
	}

	/**
	 * The bytes of the encodings made.
	 * @return the size
	 */
	long size() {
		long size = 0;
		for (byte[] bytes : this.encodings) {
			size += (bytes != null) ? bytes.length : 0;
		}
		return size;
	}

}

package io.pushwire.server.stream;

/**
 * Receives the frames appended to a channel's stream after it attached, in cursor order. Called
 * while the stream is locked: implementations must return quickly and never block.
 */
public interface StreamListener {

	/**
	 * A frame was appended.
	 * @param frame the frame
	 */
	void onFrame(StoredFrame frame);

	/**
	 * A transient frame was published to the channel: not stored, no cursor.
	 * @param channel the channel
	 * @param json the frame's JSON encoding, shared by every listener
	 */
	void onTransient(String channel, byte[] json);

}

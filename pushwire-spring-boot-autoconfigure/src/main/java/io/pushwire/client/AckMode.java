package io.pushwire.client;

/**
 * When a {@link PushClient} acknowledges frames to the server (PROTOCOL.md §5.3).
 *
 * @since 0.2.0
 */
public enum AckMode {

	/**
	 * After the frame reached every {@code frames()} subscriber and every receiver's
	 * {@code Mono} completed.
	 */
	AUTO,

	/** Only when the application calls {@link PushFrame#ack()}. */
	MANUAL

}

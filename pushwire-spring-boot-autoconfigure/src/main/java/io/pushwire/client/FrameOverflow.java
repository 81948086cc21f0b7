package io.pushwire.client;

/**
 * What a {@code frames()} subscriber's bounded buffer does when the subscriber falls
 * behind.
 *
 * @since 0.2.0
 */
public enum FrameOverflow {

	/**
	 * The subscriber's {@code Flux} fails with an overflow error; other subscribers go
	 * on.
	 */
	ERROR,

	/** The oldest buffered frame is dropped. */
	DROP_OLDEST,

	/** The newest frame is dropped. */
	DROP_LATEST

}

package io.pushwire.client;

/**
 * What the bounded send queue of a {@link PushClient} does when it is full (in count or
 * bytes).
 *
 * @since 0.2.0
 */
public enum SendOverflow {

	/**
	 * Refuse the new frame: {@code trySend} fails at once, {@code send} waits for room up
	 * to its timeout.
	 */
	REJECT,

	/**
	 * Drop the oldest queued frame (its {@code Mono} fails) to make room for the new one.
	 */
	DROP_OLDEST,

	/** Drop the new frame (its {@code Mono} fails); what is queued stays. */
	DROP_NEWEST

}

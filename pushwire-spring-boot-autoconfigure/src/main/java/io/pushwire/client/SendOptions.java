package io.pushwire.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Options of one {@link PushClient#send(String, Object, SendOptions) send}.
 *
 * @param timeout how long {@code send} may wait for room in a full queue (policy
 * {@code reject}) and for the write; {@code null} for the client's default
 * @param volatileFrame whether the frame is dropped rather than queued while disconnected
 * (a typing indicator, a cursor position): its {@code Mono} fails at once when not
 * connected
 * @since 0.2.0
 */
public record SendOptions(@Nullable Duration timeout, boolean volatileFrame) {

	/** The defaults: the client's send timeout, queued while disconnected. */
	public static final SendOptions DEFAULT = new SendOptions(null, false);

	/**
	 * Options with a timeout.
	 * @param timeout the timeout
	 * @return the options
	 */
	public static SendOptions timeout(Duration timeout) {
		return new SendOptions(timeout, false);
	}

	/**
	 * Options for a volatile frame.
	 * @return the options
	 */
	public static SendOptions volatileOnly() {
		return new SendOptions(null, true);
	}

}

package io.pushwire.client;

import org.jspecify.annotations.Nullable;

/**
 * A request of a {@link PushClient} (subscribe, presence, send) that the server refused
 * with an {@code error} op, or that could not be made.
 *
 * @since 0.2.0
 */
public class PushOperationException extends RuntimeException {

	private final String code;

	private final @Nullable String channel;

	/**
	 * Create an exception.
	 * @param code the protocol error code ({@code forbidden}, ...) or {@code client} for
	 * a local refusal
	 * @param message what happened and what to do
	 * @param channel the channel concerned, or {@code null}
	 */
	public PushOperationException(String code, String message, @Nullable String channel) {
		super(message);
		this.code = code;
		this.channel = channel;
	}

	/**
	 * The error code.
	 * @return the code
	 */
	public String code() {
		return this.code;
	}

	/**
	 * The channel concerned.
	 * @return the channel, or {@code null}
	 */
	public @Nullable String channel() {
		return this.channel;
	}

}

package io.pushwire.core;

import org.jspecify.annotations.Nullable;

/**
 * A request that breaks the protocol or cannot be served, carrying the {@link ErrorCode}
 * that the peer receives in an {@code error} op or an HTTP error body.
 *
 * @since 0.1.0
 */
public class ProtocolException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final ErrorCode code;

	private final @Nullable String channel;

	/**
	 * Create an exception.
	 * @param code the error code
	 * @param message a message that is safe to show the peer and says what to do
	 */
	public ProtocolException(ErrorCode code, String message) {
		this(code, message, null);
	}

	/**
	 * Create an exception about a channel.
	 * @param code the error code
	 * @param message a message that is safe to show the peer and says what to do
	 * @param channel the channel concerned, or {@code null}
	 */
	public ProtocolException(ErrorCode code, String message, @Nullable String channel) {
		super(message, null, false, false);
		this.code = code;
		this.channel = channel;
	}

	/**
	 * The error code.
	 * @return the code
	 */
	public ErrorCode code() {
		return this.code;
	}

	/**
	 * The channel concerned, if any.
	 * @return the channel or {@code null}
	 */
	public @Nullable String channel() {
		return this.channel;
	}

	/**
	 * This exception as an {@code error} op.
	 * @return the op
	 */
	public SystemOp.Error toOp() {
		return new SystemOp.Error(this.code.wireName(), getMessage(), this.channel);
	}

}

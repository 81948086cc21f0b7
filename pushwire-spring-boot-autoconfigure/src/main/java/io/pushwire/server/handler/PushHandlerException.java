package io.pushwire.server.handler;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;

/**
 * Thrown (or signalled) by a handler to answer the sending client with a chosen
 * {@code error} op, for example {@code forbidden} or {@code bad_message}. Any other
 * exception from a handler is logged and reported to the client as {@code internal}
 * without its details.
 *
 * @since 0.1.0
 */
public class PushHandlerException extends ProtocolException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param code the error code the client receives
	 * @param message the message the client receives
	 */
	public PushHandlerException(ErrorCode code, String message) {
		super(code, message);
	}

}

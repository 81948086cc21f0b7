package io.pushwire.server.handler;

import java.lang.reflect.Method;

/**
 * Thrown at startup when a {@link PushHandler @PushHandler} method handles a channel kind
 * that the server's configuration does not declare. It carries the method and the kind,
 * so that a failure analyzer can name the {@code pushwire.server.channels.<kind>.*}
 * properties to declare.
 *
 * @since 0.1.0
 */
public class UndeclaredChannelKindException extends IllegalStateException {

	private final Method method;

	private final String description;

	private final String kind;

	/**
	 * Create an exception.
	 * @param method the handler method
	 * @param description the method's signature, as in other handler errors
	 * @param kind the channel kind it handles
	 */
	public UndeclaredChannelKindException(Method method, String description, String kind) {
		super("@PushHandler method " + description + " handles the channel kind '" + kind
				+ "', which is not declared. Declare it under pushwire.server.channels." + kind + ".");
		this.method = method;
		this.description = description;
		this.kind = kind;
	}

	/**
	 * The handler method.
	 * @return the method
	 */
	public Method getMethod() {
		return this.method;
	}

	/**
	 * The handler method's signature.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * The channel kind that is not declared.
	 * @return the kind
	 */
	public String getKind() {
		return this.kind;
	}

}

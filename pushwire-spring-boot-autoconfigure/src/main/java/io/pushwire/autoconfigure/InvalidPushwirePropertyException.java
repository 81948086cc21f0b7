package io.pushwire.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * Thrown at startup when a {@code pushwire.server.*} property has a value the server
 * cannot use, such as a {@code pushwire.server.path} that does not start with {@code '/'}
 * or a channel kind with an invalid name or access rule. It carries the property's name
 * and value, so that a failure analyzer can name them.
 *
 * @since 0.1.0
 */
public class InvalidPushwirePropertyException extends IllegalStateException {

	private final String property;

	private final @Nullable Object value;

	private final String reason;

	/**
	 * Create an exception.
	 * @param property the property's name, like {@code pushwire.server.path}
	 * @param value the property's value
	 * @param reason why the value cannot be used and what would be accepted, a phrase
	 * that follows the property's name: {@code must start with '/'}
	 */
	public InvalidPushwirePropertyException(String property, @Nullable Object value, String reason) {
		this(property, value, reason, null);
	}

	/**
	 * Create an exception.
	 * @param property the property's name, like {@code pushwire.server.path}
	 * @param value the property's value
	 * @param reason why the value cannot be used and what would be accepted, a phrase
	 * that follows the property's name: {@code must start with '/'}
	 * @param cause the exception that rejected the value
	 */
	public InvalidPushwirePropertyException(String property, @Nullable Object value, String reason,
			@Nullable Throwable cause) {
		super(property + " " + reason + "; was '" + value + "'", cause);
		this.property = property;
		this.value = value;
		this.reason = reason;
	}

	/**
	 * The property's name.
	 * @return the name, like {@code pushwire.server.path}
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * The property's value.
	 * @return the value
	 */
	public @Nullable Object getValue() {
		return this.value;
	}

	/**
	 * Why the value cannot be used.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Check the server's base path, {@code pushwire.server.path}.
	 * @param path the path
	 * @return the path
	 * @throws InvalidPushwirePropertyException when the path is not like {@code /rps}
	 */
	public static String checkPath(@Nullable String path) {
		if (path == null || !path.startsWith("/") || path.endsWith("/") || path.contains("*")) {
			throw new InvalidPushwirePropertyException("pushwire.server.path", path,
					"must start with '/' and not end with '/', like /rps");
		}
		return path;
	}

}

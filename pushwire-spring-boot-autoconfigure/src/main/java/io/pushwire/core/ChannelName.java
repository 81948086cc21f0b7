package io.pushwire.core;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A validated channel name, {@code kind} or {@code kind:topic} (PROTOCOL.md §1).
 *
 * @param value the full name as it appears on the wire
 * @param kind the part before the first {@code :}
 * @param topic the part after the first {@code :}, or {@code null} for a bare kind
 * @since 0.1.0
 */
public record ChannelName(String value, String kind, @Nullable String topic) {

	/** The kind reserved for control traffic. */
	public static final String SYSTEM_KIND = "system";

	/**
	 * The longest valid channel name: a 32-character kind, a colon and a 200-character
	 * topic.
	 */
	public static final int MAX_LENGTH = 32 + 1 + 200;

	private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

	private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_.:~-]{1,200}");

	/**
	 * Parse and validate a channel name.
	 * @param value the name
	 * @return the channel name
	 * @throws ProtocolException with {@link ErrorCode#BAD_MESSAGE} when the name breaks
	 * the grammar
	 */
	public static ChannelName parse(@Nullable String value) {
		if (value == null || value.isEmpty()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "A channel name must not be empty");
		}
		if (value.length() > MAX_LENGTH) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"Channel name is longer than " + MAX_LENGTH + " characters");
		}
		int colon = value.indexOf(':');
		String kind = (colon < 0) ? value : value.substring(0, colon);
		if (!KIND.matcher(kind).matches()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Invalid channel kind '" + abbreviate(kind)
					+ "': a kind is 1 to 32 characters of [a-z0-9_-] starting with a letter");
		}
		if (colon < 0) {
			return new ChannelName(value, kind, null);
		}
		String topic = value.substring(colon + 1);
		if (!TOPIC.matcher(topic).matches()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Invalid topic in channel '" + abbreviate(value)
					+ "': a topic is 1 to 200 characters of [A-Za-z0-9_.:~-]");
		}
		return new ChannelName(value, kind, topic);
	}

	/**
	 * Whether a string is a valid channel kind.
	 * @param kind the candidate
	 * @return {@code true} when it matches {@code [a-z][a-z0-9_-]{0,31}}
	 */
	public static boolean isValidKind(@Nullable String kind) {
		return kind != null && KIND.matcher(kind).matches();
	}

	/**
	 * Whether a string is a valid channel name.
	 * @param value the candidate
	 * @return {@code true} when {@link #parse(String)} would accept it
	 */
	public static boolean isValid(@Nullable String value) {
		try {
			parse(value);
			return true;
		}
		catch (ProtocolException ex) {
			return false;
		}
	}

	/**
	 * Whether this channel belongs to the reserved {@code system} kind.
	 * @return {@code true} for {@code system} and {@code system:*}
	 */
	public boolean isSystem() {
		return SYSTEM_KIND.equals(this.kind);
	}

	@Override
	public String toString() {
		return this.value;
	}

	static String abbreviate(String value) {
		return (value.length() <= 64) ? value : value.substring(0, 61) + "...";
	}

}

package io.pushwire.server.connection;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Client ids: lowercase, hyphenated UUIDs (PROTOCOL.md §1).
 *
 * @since 0.1.0
 */
public final class ClientIds {

	private static final Pattern UUID_PATTERN = Pattern
		.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

	private ClientIds() {
	}

	/**
	 * Whether a string is a valid client id.
	 * @param clientId the candidate
	 * @return {@code true} for a lowercase hyphenated UUID
	 */
	public static boolean isValid(String clientId) {
		return UUID_PATTERN.matcher(clientId).matches();
	}

	/**
	 * A new random client id.
	 * @return the id
	 */
	public static String newId() {
		return UUID.randomUUID().toString();
	}

}

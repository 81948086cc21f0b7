package io.pushwire.server.connection;

import io.pushwire.core.ChannelName;

/**
 * Limits against abuse, each with a clear answer when passed.
 *
 * @param maxConnectionsPerPrincipal most live connections one principal may hold; more
 * are refused with {@code error rate_limited} and close 1008 (SSE: HTTP 429)
 * @param maxConnectionsPerSecond new authenticated connections this node accepts per
 * second (a token bucket of as many tokens); more are refused after authenticating
 * ({@code error rate_limited} and close 1008, SSE: HTTP 429), while refused
 * authentications take nothing from the bucket
 * @param maxInboundRate messages per second one connection may send (a token bucket
 * refilled at this rate); a message over it is dropped and answered
 * {@code error rate_limited}
 * @param maxInboundBurst the bucket's size: messages a connection may send at once; this
 * many refused in a row close the connection with 1008
 * @param maxChannelNameLength longest channel name a client may use; longer is
 * {@code bad_message}
 * @since 0.1.0
 */
public record ServerLimits(int maxConnectionsPerPrincipal, int maxConnectionsPerSecond, int maxInboundRate,
		int maxInboundBurst, int maxChannelNameLength) {

	/**
	 * Check the limits.
	 */
	public ServerLimits {
		requireAtLeastOne(maxConnectionsPerPrincipal, "pushwire.server.max-connections-per-principal");
		requireAtLeastOne(maxConnectionsPerSecond, "pushwire.server.max-connections-per-second");
		requireAtLeastOne(maxInboundRate, "pushwire.server.max-inbound-rate");
		requireAtLeastOne(maxInboundBurst, "pushwire.server.max-inbound-burst");
		if (maxChannelNameLength < 1 || maxChannelNameLength > ChannelName.MAX_LENGTH) {
			throw new IllegalArgumentException("pushwire.server.max-channel-name-length must be 1 to "
					+ ChannelName.MAX_LENGTH + ", not " + maxChannelNameLength);
		}
	}

	/**
	 * The defaults.
	 * @return the limits
	 */
	public static ServerLimits defaults() {
		return new ServerLimits(100, 2000, 100, 200, ChannelName.MAX_LENGTH);
	}

	private static void requireAtLeastOne(int value, String property) {
		if (value < 1) {
			throw new IllegalArgumentException(property + " must be at least 1, not " + value);
		}
	}

}

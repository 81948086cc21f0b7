package io.pushwire.server;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The mode of the route between two peers of a WebRTC room (PROTOCOL.md §10.4).
 *
 * @since 0.1.0
 */
public enum PeerRouteMode {

	/** Their traffic goes through the server over their push connections. */
	DIRECT,

	/** Their own peer-to-peer data channel. */
	P2P,

	/** Their peer-to-peer path failed: the server relays their data. */
	RELAY;

	/**
	 * The name on the wire.
	 * @return {@code direct}, {@code p2p} or {@code relay}
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The mode of a wire name.
	 * @param wireName the name
	 * @return the mode, or {@code null} for a name that is none
	 */
	public static @Nullable PeerRouteMode fromWireName(String wireName) {
		for (PeerRouteMode mode : values()) {
			if (mode.wireName().equals(wireName)) {
				return mode;
			}
		}
		return null;
	}

}

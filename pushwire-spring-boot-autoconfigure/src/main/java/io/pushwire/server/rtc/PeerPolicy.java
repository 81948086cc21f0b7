package io.pushwire.server.rtc;

import java.security.Principal;

/**
 * Decides who may signal and relay to whom among the peers of a room (PROTOCOL.md §10).
 * It is asked only about two WebSocket clients that are both in the room; a peer it
 * refuses is answered {@code not_connected}, like a client that is not in the room, and
 * is left out of {@code peer_list}. Called on event loops for every signaling message and
 * relay: it must answer at once, without blocking. Declare a bean to replace the default,
 * {@link #sameRoom()}.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface PeerPolicy {

	/**
	 * Whether a client may signal (and relay to) another.
	 * @param channel the room, {@code rtc:<room>}
	 * @param sender the sending client
	 * @param target the client it addresses
	 * @return {@code true} when allowed
	 */
	boolean allows(String channel, Peer sender, Peer target);

	/**
	 * The default policy: any two peers of the same room may signal each other.
	 * @return the policy
	 */
	static PeerPolicy sameRoom() {
		return (channel, sender, target) -> true;
	}

	/**
	 * A client in a room.
	 *
	 * @param clientId its client id
	 * @param principal its principal
	 */
	record Peer(String clientId, Principal principal) {
	}

}

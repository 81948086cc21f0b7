package io.pushwire.server.connection;

import java.util.List;

import reactor.core.publisher.Mono;

import io.pushwire.core.SystemOp;

/**
 * Presence shared by several nodes (PROTOCOL.md §12, §13): the {@link PresenceRegistry}
 * of each node keeps its own connections' memberships and tells the replica when a client
 * joins or leaves a channel on this node; the replica records it where every node sees
 * it, decides whether the client joined or left cluster-wide, and has every node (this
 * one included) announce that through {@link PresenceRegistry#deliver}. Without a replica
 * (one node in memory) the registry announces by itself.
 *
 * @since 0.1.0
 */
public interface PresenceReplica {

	/**
	 * A client became a member of a channel on this node (its first connection here holds
	 * it). Runs without blocking; a failure is logged, not thrown.
	 * @param channel the channel
	 * @param clientId the client
	 * @param user its principal's name
	 */
	void added(String channel, String clientId, String user);

	/**
	 * The client was told it subscribed: announce its {@code join} to the channel's
	 * members on every node, if it joined the channel cluster-wide now (it was not a
	 * member through a connection on another node).
	 * @param channel the channel
	 * @param clientId the client
	 * @param user its principal's name
	 */
	void announceJoin(String channel, String clientId, String user);

	/**
	 * A client's last connection on this node gave up its membership of a channel;
	 * announce its {@code leave} on every node if it held the membership cluster-wide
	 * through this node (a connection on another node that replaced it holds it now
	 * otherwise).
	 * @param channel the channel
	 * @param clientId the client
	 * @param user its principal's name
	 * @param announce whether the channel's kind announces joins and leaves
	 */
	void removed(String channel, String clientId, String user, boolean announce);

	/**
	 * The members of a channel on every node.
	 * @param channel the channel
	 * @return the members
	 */
	Mono<List<SystemOp.PresenceEntry>> members(String channel);

}

/**
 * Sessions and presence shared by several nodes through Redis (PROTOCOL.md §12, §13): the
 * node directory with its heartbeat and node-to-node control channel, the
 * {@link io.pushwire.server.connection.SessionRegistry} on Redis and the
 * {@link io.pushwire.server.connection.PresenceReplica} on Redis. Internal API: the
 * auto-configuration makes them with {@code pushwire.server.store=redis}.
 */
@NullMarked
package io.pushwire.server.redis;

import org.jspecify.annotations.NullMarked;

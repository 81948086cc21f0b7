/**
 * What several nodes share through Redis (PROTOCOL.md §12, §13): channel streams in Redis
 * Streams, numbered by one Lua script per publish, with their live fan-out to every node
 * through Redis pub/sub, sharded where the server runs it and classic otherwise
 * ({@link io.pushwire.server.redis.RedisChannelStore}); the node directory with its
 * heartbeat and node-to-node control channel; the
 * {@link io.pushwire.server.connection.SessionRegistry} and the
 * {@link io.pushwire.server.connection.PresenceReplica} on Redis. Internal API: the
 * auto-configuration makes them with {@code pushwire.server.store=redis}.
 */
@NullMarked
package io.pushwire.server.redis;

import org.jspecify.annotations.NullMarked;

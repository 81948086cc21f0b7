/**
 * The Redis store: channel streams in Redis Streams, numbered by one Lua script per
 * publish, and their live fan-out to every node through Redis pub/sub
 * ({@link io.pushwire.server.redis.RedisChannelStore}). Internal: used through
 * {@code pushwire.server.store=redis}.
 */
@NullMarked
package io.pushwire.server.redis;

import org.jspecify.annotations.NullMarked;

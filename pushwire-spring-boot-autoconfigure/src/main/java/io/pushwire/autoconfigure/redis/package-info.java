/**
 * Auto-configuration of the Redis store ({@code pushwire.server.store=redis}): channel
 * streams and live fan-out shared by several nodes.
 */
@NullMarked
package io.pushwire.autoconfigure.redis;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of what several nodes share through Redis
 * ({@code pushwire.server.store=redis}): channel streams with their live fan-out,
 * sessions and presence.
 */
@NullMarked
package io.pushwire.autoconfigure.redis;

import org.jspecify.annotations.NullMarked;

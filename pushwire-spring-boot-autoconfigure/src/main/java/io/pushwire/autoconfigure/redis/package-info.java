/**
 * Auto-configuration of what several nodes share through Redis
 * ({@code pushwire.server.store=redis}).
 */
@NullMarked
package io.pushwire.autoconfigure.redis;

import org.jspecify.annotations.NullMarked;

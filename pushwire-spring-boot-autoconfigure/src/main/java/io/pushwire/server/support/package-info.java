/**
 * The implementation of the {@link io.pushwire.server.PushServer} API over the connection
 * layer, and the lifecycle that closes every connection when the application stops.
 * Internal: applications use the API in {@code io.pushwire.server}.
 */
@NullMarked
package io.pushwire.server.support;

import org.jspecify.annotations.NullMarked;

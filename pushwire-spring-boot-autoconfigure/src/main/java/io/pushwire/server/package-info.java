/**
 * The push server: the {@link io.pushwire.server.PushServer} API, channel kinds, sessions,
 * connections and the WebSocket transport.
 */
@NullMarked
package io.pushwire.server;

import org.jspecify.annotations.NullMarked;

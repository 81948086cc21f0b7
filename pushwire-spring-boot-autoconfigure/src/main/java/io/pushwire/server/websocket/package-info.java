/**
 * The WebSocket transport: the endpoint with its {@code Origin} check, and the
 * per-session handler that speaks the protocol. Reactor Netty's internals are reached
 * only through {@code ReactorNettyAccess}. Internal: the WebFlux auto-configuration
 * creates and routes these types; they are public for it and may change in any release.
 */
@NullMarked
package io.pushwire.server.websocket;

import org.jspecify.annotations.NullMarked;

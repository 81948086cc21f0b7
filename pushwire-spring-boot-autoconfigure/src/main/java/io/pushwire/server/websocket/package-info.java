/**
 * The WebSocket transport: the endpoint with its {@code Origin} check, and the per-session handler
 * that speaks the protocol in text or binary messages as the connection's wire format says. What
 * reaches under WebFlux into Reactor Netty for the fast path is in {@code ReactorNettyAccess} alone.
 */
@NullMarked
package io.pushwire.server.websocket;

import org.jspecify.annotations.NullMarked;

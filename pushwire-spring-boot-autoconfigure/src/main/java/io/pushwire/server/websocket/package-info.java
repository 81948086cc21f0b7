/**
 * The WebSocket transport: the endpoint with its {@code Origin} check, and the per-session handler
 * that speaks the protocol over text messages.
 */
@NullMarked
package io.pushwire.server.websocket;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of the pushwire server's WebFlux endpoints: the WebSocket endpoint,
 * the SSE, ack and send endpoints, the browser client script, and the handler mapping
 * that routes {@code pushwire.server.path} to them.
 */
@NullMarked
package io.pushwire.autoconfigure.reactive;

import org.jspecify.annotations.NullMarked;

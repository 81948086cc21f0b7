/**
 * The reactive pushwire client: one multiplexed connection (WebSocket or SSE) with
 * reconnect, per-channel cursor tracking and resume, and a bounded send queue that
 * survives reconnects.
 */
@NullMarked
package io.pushwire.client;

import org.jspecify.annotations.NullMarked;

/**
 * The Server-Sent Events transport ({@code GET /rps/sse}, PROTOCOL.md §11).
 */
@NullMarked
package io.pushwire.server.sse;

import org.jspecify.annotations.NullMarked;

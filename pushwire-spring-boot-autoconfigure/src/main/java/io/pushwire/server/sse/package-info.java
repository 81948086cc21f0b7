/**
 * The Server-Sent Events transport ({@code GET /rps/sse}, PROTOCOL.md §11). Internal: the
 * WebFlux auto-configuration creates and routes the endpoint; its type is public for it
 * and may change in any release.
 */
@NullMarked
package io.pushwire.server.sse;

import org.jspecify.annotations.NullMarked;

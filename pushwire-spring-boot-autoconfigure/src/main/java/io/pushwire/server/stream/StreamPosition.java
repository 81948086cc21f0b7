package io.pushwire.server.stream;

/**
 * Where a channel's stream stands: its epoch and newest cursor (PROTOCOL.md §5). A stream
 * that is lost (a restart of an in-memory store, an evicted remote stream) comes back
 * with a new epoch, so that a cursor is never reused for another frame.
 *
 * @param epoch the current epoch
 * @param head the newest cursor, 0 when nothing was appended in the epoch
 * @since 0.1.0
 */
public record StreamPosition(String epoch, long head) {

}

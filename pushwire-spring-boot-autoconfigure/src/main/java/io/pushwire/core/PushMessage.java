package io.pushwire.core;

/**
 * One protocol message: a {@link Frame} or a {@link SystemOp} (PROTOCOL.md §3).
 *
 * @since 0.1.0
 */
public sealed interface PushMessage permits Frame, SystemOp {

}

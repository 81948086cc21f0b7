package io.pushwire.core;

/**
 * One protocol message: a {@link Frame}, a {@link DeltaFrame} or a {@link SystemOp}
 * (PROTOCOL.md §3, §8.3).
 *
 * @since 0.1.0
 */
public sealed interface PushMessage permits Frame, DeltaFrame, SystemOp {

}

package io.pushwire.server.stream;

import java.util.List;

import reactor.core.Disposable;

/**
 * A listener attached to a stream: the frames to replay (cursors {@code plan.after()+1}
 * to {@code plan.head()}, before any frame the listener receives) and a handle to detach
 * it.
 *
 * @param plan where delivery starts
 * @param replay the frames to replay, in cursor order
 * @param detach detaches the listener; idempotent
 * @since 0.1.0
 */
public record Attachment(ResumePlan plan, List<StoredFrame> replay, Disposable detach) {

}

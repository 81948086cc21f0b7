package io.pushwire.server.stream;

import java.util.List;

/**
 * What a {@link ChannelStore} read for a resume: where delivery starts and the frames to
 * replay.
 *
 * @param plan where delivery starts (PROTOCOL.md §5.2)
 * @param frames the frames with cursors {@code plan.after()+1} to {@code plan.head()}
 * that the store still holds, in cursor order
 * @since 0.1.0
 */
public record StreamReplay(ResumePlan plan, List<StoredFrame> frames) {

}

package io.pushwire.server.stream;

/**
 * Where a listener's delivery starts on a channel (PROTOCOL.md §5.2).
 *
 * @param channel the channel
 * @param epoch the stream's current epoch
 * @param head the newest cursor when the listener attached
 * @param after the cursor after which delivery starts (what
 * {@code auth_ok.resume_cursors} reports)
 * @param resumeRequired whether the asked resume point was gone, so a
 * {@code resume_required} must precede the replay
 * @since 0.1.0
 */
public record ResumePlan(String channel, String epoch, long head, long after, boolean resumeRequired) {

	/**
	 * The first cursor replayed after a {@code resume_required}.
	 * @return {@code after + 1}
	 */
	public long fromCursor() {
		return this.after + 1;
	}

}

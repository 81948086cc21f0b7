package io.pushwire.client;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Handler-style reception of one channel, registered with
 * {@link PushClient#on(String, ChannelReceiver)}. Frames reach {@link #onFrame} one at a
 * time in cursor order: the next frame of the connection is read only when the returned
 * {@code Mono} completes, so a slow receiver slows the connection (and the server
 * eventually sheds it with 4008 and the client resumes) instead of growing a buffer.
 * Blocking work belongs on {@code Schedulers.boundedElastic()}.
 *
 * @since 0.2.0
 */
public interface ChannelReceiver {

	/**
	 * A frame, never a duplicate.
	 * @param frame the frame
	 * @return completes when processed (with {@link AckMode#AUTO} the frame is then
	 * acknowledged)
	 */
	Mono<Void> onFrame(PushFrame<JsonNode> frame);

	/**
	 * The replay after a (re)connect reached the head the server announced in
	 * {@code auth_ok}.
	 * @param channel the channel
	 * @param cursor the cursor reached
	 */
	default void onReplayComplete(String channel, long cursor) {
	}

	/**
	 * Frames between {@code expected} and {@code got} never arrived.
	 * @param channel the channel
	 * @param expected the first missing cursor
	 * @param got the cursor that arrived
	 */
	default void onGap(String channel, long expected, long got) {
	}

	/**
	 * The resume point was gone (outside the replay window or another epoch); frames were
	 * lost and replay restarts at {@code fromCursor}.
	 * @param channel the channel
	 * @param fromCursor the first cursor replayed
	 * @param epoch the channel's current epoch
	 */
	default void onResumeRequired(String channel, long fromCursor, String epoch) {
	}

}

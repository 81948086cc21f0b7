package io.pushwire.client;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Hooks into a {@link PushClient}: every event (connecting, connected, disconnected,
 * gaps...) and an ordered inbound pipeline that can transform or filter frames before the
 * application sees them. Extensions run in the order they were added; a frame an
 * extension filters out counts as processed (it is acknowledged and never redelivered). A
 * failing {@link #onFrame} is handled by the client's {@link ExtensionErrorPolicy}.
 *
 * @since 0.2.0
 */
public interface PushClientExtension {

	/**
	 * Called for every event, before it is published on {@link PushClient#events()}.
	 * @param event the event
	 */
	default void onEvent(PushClientEvent event) {
	}

	/**
	 * Transform or filter an inbound frame (never a duplicate).
	 * @param frame the frame
	 * @return the frame to pass on, or an empty {@code Mono} to drop it
	 */
	default Mono<PushFrame<JsonNode>> onFrame(PushFrame<JsonNode> frame) {
		return Mono.just(frame);
	}

	/**
	 * What the client does when an extension's {@link #onFrame} fails.
	 */
	enum ExtensionErrorPolicy {

		/** Drop the frame and report an error event (the default). */
		SKIP_FRAME,

		/** Pass the frame on unchanged and report an error event. */
		PASS_THROUGH

	}

}

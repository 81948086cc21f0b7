package io.pushwire.server.channel;

/**
 * Whether a channel kind offers delta updates (PROTOCOL.md §8.3): frames sent as a delta
 * against the previous payload to clients that ask for it.
 *
 * @since 0.1.0
 */
public enum DeltaMode {

	/** Full payloads only (the default). */
	NONE,

	/**
	 * Fossil deltas ({@code delta:fossil}) to the WebSocket clients that ask for them on
	 * a channel; full payloads to the others.
	 */
	FOSSIL

}

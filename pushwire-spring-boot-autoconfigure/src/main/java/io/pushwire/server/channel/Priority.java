package io.pushwire.server.channel;

/**
 * A channel kind's delivery priority (PROTOCOL.md §6): the lane of each connection's
 * outbound queue that the kind's frames travel in. The writer always takes from the
 * highest non-empty lane.
 *
 * @since 0.1.0
 */
public enum Priority {

	/** Lane 0: delivered before anything else. */
	HIGH,

	/** Lane 1: the default. */
	NORMAL,

	/** Lane 2: delivered when nothing else waits. */
	LOW;

	/**
	 * The lane index on the wire (0 high, 1 normal, 2 low).
	 * @return the lane
	 */
	public int lane() {
		return ordinal();
	}

}

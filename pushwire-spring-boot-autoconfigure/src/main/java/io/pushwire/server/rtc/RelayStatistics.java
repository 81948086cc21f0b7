package io.pushwire.server.rtc;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of the relay (PROTOCOL.md §10.5) since the start, read without locks: for
 * operators and for meters ({@code pushwire.relay.*}) to read. Internal API.
 *
 * @since 0.1.0
 */
public final class RelayStatistics {

	private final LongAdder relayed = new LongAdder();

	private final LongAdder relayedBytes = new LongAdder();

	private final LongAdder rateLimited = new LongAdder();

	private final LongAdder rateLimitedBytes = new LongAdder();

	void relayed(long bytes) {
		this.relayed.increment();
		this.relayedBytes.add(bytes);
	}

	void rateLimited(long bytes) {
		this.rateLimited.increment();
		this.rateLimitedBytes.add(bytes);
	}

	/**
	 * The relays forwarded.
	 * @return the count
	 */
	public long relayed() {
		return this.relayed.sum();
	}

	/**
	 * The payload bytes forwarded (compact UTF-8 JSON, as the bucket counts them).
	 * @return the bytes
	 */
	public long relayedBytes() {
		return this.relayedBytes.sum();
	}

	/**
	 * The relays refused with {@code rate_limited}.
	 * @return the count
	 */
	public long rateLimited() {
		return this.rateLimited.sum();
	}

	/**
	 * The payload bytes of the relays refused with {@code rate_limited}.
	 * @return the bytes
	 */
	public long rateLimitedBytes() {
		return this.rateLimitedBytes.sum();
	}

}

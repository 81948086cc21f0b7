package io.pushwire.bench.common;

import java.time.Instant;

/**
 * The payload every server publishes: a sequence number, the send time in epoch
 * microseconds and a pad that brings the JSON to about 100 bytes. Both processes run on
 * one machine and read the same wall clock, so the receiver's {@code now - t} is the
 * end-to-end latency.
 *
 * @param seq the sequence number
 * @param t when it was sent, epoch microseconds
 * @param pad filler
 */
public record BenchPayload(long seq, long t, String pad) {

	/** The filler of every payload. */
	public static final String PAD = "pushwire-benchmark-payload-0123456789-abcdefghijklmnopqrstuvwxyz";

	/**
	 * A payload sent now.
	 * @param seq the sequence number
	 * @return the payload
	 */
	public static BenchPayload now(long seq) {
		return new BenchPayload(seq, epochMicros(), PAD);
	}

	/**
	 * The payload's JSON, written by hand for the servers that send text as-is.
	 * @return the JSON
	 */
	public String toJson() {
		return "{\"seq\":" + this.seq + ",\"t\":" + this.t + ",\"pad\":\"" + this.pad + "\"}";
	}

	/**
	 * The wall clock in microseconds.
	 * @return epoch microseconds
	 */
	public static long epochMicros() {
		Instant now = Instant.now();
		return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
	}

}

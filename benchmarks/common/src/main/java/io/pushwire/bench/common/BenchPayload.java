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

	/** The JSON around the pad, with a 10-digit sequence and a 16-digit time. */
	private static final int OVERHEAD = "{\"seq\":1000000000,\"t\":1764085000123456,\"pad\":\"\"}".length();

	private static volatile String currentPad = PAD;

	/**
	 * A payload sent now.
	 * @param seq the sequence number
	 * @return the payload
	 */
	public static BenchPayload now(long seq) {
		return new BenchPayload(seq, epochMicros(), currentPad);
	}

	/**
	 * Make every later payload about {@code bytes} bytes of JSON
	 * ({@code --payload-bytes}, for comparing bytes on the wire with and without zstd),
	 * or go back to the standard payload of about 100 bytes.
	 * @param bytes the payload's JSON size, or 0 for the standard payload
	 */
	public static void usePayloadBytes(int bytes) {
		currentPad = (bytes <= 0) ? PAD : text(Math.max(0, bytes - OVERHEAD));
	}

	/**
	 * Text that compresses like prose rather than like one repeated pad: words drawn from
	 * a small vocabulary by a seeded generator, the same for every run.
	 * @param length the length
	 * @return the text
	 */
	static String text(int length) {
		String[] words = { "push", "wire", "frame", "cursor", "channel", "epoch", "resume", "delta", "binary", "stream",
				"subscriber", "publish", "latency", "queue", "event", "loop", "netty", "reactor", "spring", "boot",
				"server", "client", "message", "payload", "order", "price", "status", "update", "user", "room", "chat",
				"ticker" };
		java.util.Random random = new java.util.Random(42);
		StringBuilder text = new StringBuilder(length + 16);
		while (text.length() < length) {
			text.append(words[random.nextInt(words.length)]).append((random.nextInt(10) < 2) ? ", " : " ");
			if (random.nextInt(20) == 0) {
				text.append(random.nextInt(100_000)).append(' ');
			}
		}
		text.setLength(length);
		return text.toString();
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

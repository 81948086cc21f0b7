package io.pushwire.client;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.DeltaFrame;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;

/**
 * One connection's delta updates (PROTOCOL.md §8.3): which channels ask for them, the
 * last payload received on each of those (the base of the next delta), and the channels
 * being resubscribed after a delta that did not apply. Holds one payload per subscribed
 * channel that asked, dropped on unsubscribe; a new connection starts empty, as the
 * server starts each channel with a full frame.
 */
final class ClientDeltas {

	private final Settings settings;

	private final ProtocolCodec codec;

	private final Map<String, Base> bases = new ConcurrentHashMap<>();

	/**
	 * Channels resubscribed after a delta that did not apply: their frames are dropped
	 * until {@code subscribed} confirms, and replayed after it.
	 */
	private final Set<String> recovering = ConcurrentHashMap.newKeySet();

	private final AtomicLong applied = new AtomicLong();

	private final AtomicLong recoveries = new AtomicLong();

	ClientDeltas(Settings settings, ProtocolCodec codec) {
		this.settings = settings;
		this.codec = codec;
	}

	/**
	 * The {@code delta} key of an {@code auth} or {@code subscribe}: every channel that
	 * asks, by name.
	 * @param channels the channels being subscribed
	 * @return per channel, {@code fossil}
	 */
	Map<String, String> request(Collection<String> channels) {
		Map<String, String> request = new LinkedHashMap<>();
		for (String channel : channels) {
			if (asks(channel)) {
				request.put(channel, DeltaFrame.FOSSIL);
			}
		}
		return request;
	}

	boolean asks(String channel) {
		Set<String> keys = this.settings.channelsOrKinds();
		if (keys.isEmpty()) {
			return false;
		}
		int colon = channel.indexOf(':');
		return keys.contains(channel) || (colon > 0 && keys.contains(channel.substring(0, colon)));
	}

	/**
	 * A full frame arrived.
	 * @param frame the frame
	 * @return {@code false} when it must be dropped (its channel is being resubscribed)
	 */
	boolean onFrame(Frame frame) {
		String channel = frame.channel();
		if (this.recovering.contains(channel)) {
			return false;
		}
		Long cursor = frame.cursor();
		if (cursor != null && asks(channel)) {
			this.bases.put(channel, new Base(cursor, this.codec.mapper().writeValueAsBytes(frame.payload())));
		}
		return true;
	}

	/**
	 * A delta frame arrived: the frame it stands for, or {@code null} when it must be
	 * dropped (its channel is being resubscribed, or its base is missing or its result
	 * does not match the hash, and the caller must resubscribe).
	 * @param delta the delta frame
	 * @param failure where the reason is put when the caller must resubscribe
	 * @return the frame, with the payload the delta gives
	 */
	@Nullable Frame onDelta(DeltaFrame delta, StringBuilder failure) {
		String channel = delta.channel();
		if (this.recovering.contains(channel)) {
			return null;
		}
		Base base = this.bases.get(channel);
		if (base == null || base.cursor() != delta.delta().base()) {
			failure.append("its base, cursor ")
				.append(delta.delta().base())
				.append(", is not the last payload received (")
				.append((base != null) ? "cursor " + base.cursor() : "none")
				.append(')');
			return null;
		}
		byte[] result;
		JsonNode payload;
		try {
			result = delta.delta().apply(base.payload(), this.settings.maxSize());
			payload = this.codec.mapper().readTree(result);
		}
		catch (RuntimeException ex) {
			failure.append(ex.getMessage());
			return null;
		}
		this.bases.put(channel, new Base(delta.cursor(), result));
		this.applied.incrementAndGet();
		return new Frame(channel, delta.cursor(), payload, delta.clientId());
	}

	/**
	 * The client resubscribes a channel after a delta that did not apply.
	 * @param channel the channel
	 */
	void recovering(String channel) {
		this.bases.remove(channel);
		this.recovering.add(channel);
		this.recoveries.incrementAndGet();
	}

	/**
	 * {@code subscribed} (or an error) answered a subscription of the channel: the frames
	 * that follow belong to it, starting with a full one.
	 * @param channel the channel
	 */
	void subscribed(String channel) {
		this.bases.remove(channel);
		this.recovering.remove(channel);
	}

	/**
	 * An error answered the resubscription of the channel: its frames are no longer
	 * dropped.
	 * @param channel the channel
	 */
	void refused(String channel) {
		this.recovering.remove(channel);
	}

	/**
	 * The client left the channel.
	 * @param channel the channel
	 */
	void remove(String channel) {
		this.bases.remove(channel);
		this.recovering.remove(channel);
	}

	/**
	 * Deltas applied on this connection.
	 * @return the count
	 */
	long applied() {
		return this.applied.get();
	}

	/**
	 * Resubscriptions after deltas that did not apply.
	 * @return the count
	 */
	long recoveries() {
		return this.recoveries.get();
	}

	/**
	 * Replace a channel's base with other bytes (for tests: a base gone wrong).
	 * @param channel the channel
	 * @param payload the bytes
	 */
	void corruptBase(String channel, byte[] payload) {
		this.bases.computeIfPresent(channel, (key, base) -> new Base(base.cursor(), payload));
	}

	/**
	 * What a client asks for.
	 *
	 * @param channelsOrKinds the channels and channel kinds to ask deltas for
	 * @param maxSize the largest payload a delta may give
	 */
	record Settings(Set<String> channelsOrKinds, int maxSize) {

		Settings {
			channelsOrKinds = Set.copyOf(channelsOrKinds);
		}

		static Settings none() {
			return new Settings(Set.of(), 1024 * 1024);
		}

	}

	/**
	 * The last payload received on a channel.
	 *
	 * @param cursor its cursor
	 * @param payload its compact UTF-8 JSON
	 */
	private record Base(long cursor, byte[] payload) {
	}

}

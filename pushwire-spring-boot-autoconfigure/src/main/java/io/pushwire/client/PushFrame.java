package io.pushwire.client;

import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * A frame delivered to the application: never a duplicate, in cursor order per channel.
 *
 * @param <T> the payload type
 * @since 0.2.0
 */
public final class PushFrame<T> {

	private final String channel;

	private final @Nullable Long cursor;

	private final @Nullable String epoch;

	private final T payload;

	private final @Nullable String clientId;

	private final Function<PushFrame<?>, Mono<Void>> acker;

	PushFrame(String channel, @Nullable Long cursor, @Nullable String epoch, T payload, @Nullable String clientId,
			Function<PushFrame<?>, Mono<Void>> acker) {
		this.channel = channel;
		this.cursor = cursor;
		this.epoch = epoch;
		this.payload = payload;
		this.clientId = clientId;
		this.acker = acker;
	}

	/**
	 * The channel.
	 * @return the channel name
	 */
	public String channel() {
		return this.channel;
	}

	/**
	 * The cursor the server gave the frame.
	 * @return the cursor, or {@code null} for a transient frame
	 */
	public @Nullable Long cursor() {
		return this.cursor;
	}

	/**
	 * The epoch of the cursor.
	 * @return the epoch, or {@code null} when the server named none
	 */
	public @Nullable String epoch() {
		return this.epoch;
	}

	/**
	 * The payload.
	 * @return the payload
	 */
	public T payload() {
		return this.payload;
	}

	/**
	 * The client on whose behalf the frame was published.
	 * @return the client id, or {@code null}
	 */
	public @Nullable String clientId() {
		return this.clientId;
	}

	/**
	 * Acknowledge this frame (and every earlier one of its channel) to the server. Needed
	 * only with {@link AckMode#MANUAL}; a transient frame has nothing to acknowledge.
	 * @return completes when the ack was written
	 */
	public Mono<Void> ack() {
		return (this.cursor != null) ? this.acker.apply(this) : Mono.empty();
	}

	<R> PushFrame<R> withPayload(R payload) {
		return new PushFrame<>(this.channel, this.cursor, this.epoch, payload, this.clientId, this.acker);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof PushFrame<?> frame && this.channel.equals(frame.channel)
				&& Objects.equals(this.cursor, frame.cursor) && Objects.equals(this.epoch, frame.epoch)
				&& Objects.equals(this.payload, frame.payload) && Objects.equals(this.clientId, frame.clientId);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.channel, this.cursor, this.epoch, this.payload, this.clientId);
	}

	@Override
	public String toString() {
		return "PushFrame[channel=" + this.channel + ", cursor=" + this.cursor + ", epoch=" + this.epoch + "]";
	}

}

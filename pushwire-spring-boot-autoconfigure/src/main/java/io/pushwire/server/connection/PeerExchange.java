package io.pushwire.server.connection;

import reactor.core.publisher.Mono;

import io.pushwire.core.Frame;
import io.pushwire.core.SystemOp;

/**
 * Takes what WebSocket clients send to their peers (PROTOCOL.md §10): the frames on
 * channels of the {@code rtc} kind (signaling) and the {@code relay} op. Implemented by
 * the rtc layer above this one and given to the {@link ConnectionFactory}; without one,
 * {@code rtc} frames go to the kind's handler like any other and {@code relay} is refused
 * with {@code no_handler}. Internal API.
 *
 * @since 0.1.0
 */
public interface PeerExchange {

	/** The channel kind whose channels are peer rooms. */
	String ROOM_KIND = "rtc";

	/**
	 * Whether a channel name is of the {@link #ROOM_KIND room kind}.
	 * @param channel the channel name as sent
	 * @return {@code true} for {@code rtc} and {@code rtc:<room>}
	 */
	static boolean isRoom(String channel) {
		return channel.equals(ROOM_KIND) || channel.startsWith(ROOM_KIND + ":");
	}

	/**
	 * Handle a signaling frame a client sent on a room.
	 * @param connection the sender's connection, authenticated
	 * @param frame the frame
	 * @return completes when handled; a {@link io.pushwire.core.ProtocolException}
	 * becomes an {@code error} op for the sender
	 */
	Mono<Void> signal(ClientConnection connection, Frame frame);

	/**
	 * Handle a {@code relay} op.
	 * @param connection the sender's connection, authenticated
	 * @param relay the op
	 * @return completes when handled; a {@link io.pushwire.core.ProtocolException}
	 * becomes an {@code error} op for the sender
	 */
	Mono<Void> relay(ClientConnection connection, SystemOp.Relay relay);

}

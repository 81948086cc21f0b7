package io.pushwire.server.connection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

import io.pushwire.core.CloseReason;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;

/**
 * The table from the type of a message an authenticated client sends to its
 * {@link OpHandler}, one for the node (PROTOCOL.md §4–§7, §12). A message of a type
 * without a handler is refused with {@code bad_message}.
 */
final class OpDispatcher {

	private final Map<Class<?>, OpHandler<?>> handlers;

	private OpDispatcher(Map<Class<?>, OpHandler<?>> handlers) {
		this.handlers = Map.copyOf(handlers);
	}

	/**
	 * Hand a message to the handler of its type.
	 * @param connection the connection it came on
	 * @param message the message
	 * @return completes when handled; fails with a {@link ProtocolException} for the
	 * client
	 */
	@SuppressWarnings({ "unchecked", "rawtypes" })
	Mono<Void> dispatch(ClientConnection connection, PushMessage message) {
		OpHandler handler = this.handlers.get(message.getClass());
		if (handler == null) {
			String type = (message instanceof SystemOp op) ? op.type() : "frame";
			return Mono
				.error(new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + type + "' is not accepted from clients"));
		}
		return handler.handle(connection, message);
	}

	/**
	 * Whether a type of message has a handler.
	 * @param type the type
	 * @return {@code true} when it has
	 */
	boolean handles(Class<? extends PushMessage> type) {
		return this.handlers.containsKey(type);
	}

	static Builder builder() {
		return new Builder();
	}

	/**
	 * The handlers of the protocol's client ops.
	 * @param frames takes frames to their kind's handler
	 * @param subscriber subscribes and unsubscribes
	 * @param acknowledgements records acks
	 * @param presence answers {@code presence}
	 * @param refresh takes new credentials
	 * @param features the features this server offers
	 * @return the builder, to add more
	 */
	static Builder protocol(FrameDispatcher frames, ChannelSubscriber subscriber, Acknowledgements acknowledgements,
			PresenceQuery presence, CredentialRefresh refresh, Set<String> features) {
		return builder()
			.on(Frame.class,
					(connection, frame) -> frames.dispatch(frame, connection.requirePrincipal(),
							connection.requireSession(), connection.transport()))
			.on(SystemOp.Subscribe.class, subscriber::subscribe)
			.on(SystemOp.Unsubscribe.class, (connection, unsubscribe) -> {
				subscriber.unsubscribe(connection, unsubscribe.channels());
				return Mono.empty();
			})
			.on(SystemOp.Ack.class,
					(connection, ack) -> acknowledgements.acknowledge(connection.requireSession(), ack.channel(),
							ack.cursor()))
			.on(SystemOp.Ping.class, (connection, ping) -> {
				connection.send(new SystemOp.Pong());
				return Mono.empty();
			})
			.on(SystemOp.Pong.class, (connection, pong) -> Mono.empty())
			.on(SystemOp.Goodbye.class, (connection, goodbye) -> {
				connection.close(CloseReason.NORMAL);
				return Mono.empty();
			})
			.on(SystemOp.Features.class, (connection, asked) -> {
				List<String> enabled = new ArrayList<>();
				for (String requested : asked.requested()) {
					if (features.contains(requested)) {
						enabled.add(requested);
					}
				}
				connection.send(new SystemOp.Features(enabled, Collections.emptyList()));
				return Mono.empty();
			})
			.on(SystemOp.Refresh.class, refresh)
			.on(SystemOp.Presence.class, presence)
			.on(SystemOp.Auth.class,
					(connection, auth) -> Mono
						.error(new ProtocolException(ErrorCode.BAD_MESSAGE, "Already authenticated: send auth once")))
			.on(SystemOp.Relay.class, (connection, relay) -> Mono.error(new ProtocolException(ErrorCode.NO_HANDLER,
					"Relay is not enabled on this server", relay.channel())));
	}

	/** Builds a table; a later handler of a type replaces the earlier one. */
	static final class Builder {

		private final Map<Class<?>, OpHandler<?>> handlers = new HashMap<>();

		<T extends PushMessage> Builder on(Class<T> type, OpHandler<? super T> handler) {
			this.handlers.put(type, handler);
			return this;
		}

		OpDispatcher build() {
			return new OpDispatcher(this.handlers);
		}

	}

}

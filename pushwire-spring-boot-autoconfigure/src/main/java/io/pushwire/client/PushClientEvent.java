package io.pushwire.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * What happened to a {@link PushClient}'s connection, published on
 * {@link PushClient#events()}.
 *
 * @since 0.2.0
 */
public sealed interface PushClientEvent {

	/**
	 * A connection attempt started.
	 *
	 * @param url the base URL tried
	 * @param transport {@code websocket} or {@code sse}
	 * @param attempt the attempt number since the last stable connection (0 for the
	 * first)
	 */
	record Connecting(String url, String transport, long attempt) implements PushClientEvent {
	}

	/**
	 * {@code auth_ok} was received.
	 *
	 * @param clientId the client id
	 * @param transport {@code websocket} or {@code sse}
	 */
	record Connected(String clientId, String transport) implements PushClientEvent {
	}

	/**
	 * The connection ended.
	 *
	 * @param code the close code ({@code 1006} when none was received)
	 * @param reason the reason, possibly empty
	 */
	record Disconnected(int code, String reason) implements PushClientEvent {
	}

	/**
	 * A reconnect will be tried after {@code delay}.
	 *
	 * @param delay the delay
	 * @param attempt the attempt it will be
	 */
	record ReconnectScheduled(Duration delay, long attempt) implements PushClientEvent {
	}

	/**
	 * The client stopped reconnecting; {@link PushClient#reconnect()} starts again.
	 *
	 * @param error why
	 */
	record GaveUp(Throwable error) implements PushClientEvent {
	}

	/**
	 * Frames were missed (PROTOCOL.md §5.5).
	 *
	 * @param channel the channel
	 * @param expected the first missing cursor
	 * @param got the cursor that arrived
	 */
	record Gap(String channel, long expected, long got) implements PushClientEvent {
	}

	/**
	 * The resume point was gone; frames were lost (PROTOCOL.md §5.2).
	 *
	 * @param channel the channel
	 * @param fromCursor where replay restarts
	 * @param epoch the channel's epoch
	 */
	record ResumeRequired(String channel, long fromCursor, String epoch) implements PushClientEvent {
	}

	/**
	 * A channel's replay reached the head announced in {@code auth_ok}.
	 *
	 * @param channel the channel
	 * @param cursor the cursor reached
	 */
	record ReplayComplete(String channel, long cursor) implements PushClientEvent {
	}

	/**
	 * The server's outbound queue for this client is past half full (PROTOCOL.md §6).
	 *
	 * @param window the window the server named, or {@code null}
	 */
	record Slow(@Nullable Long window) implements PushClientEvent {
	}

	/**
	 * The credentials were refreshed without reconnecting (PROTOCOL.md §7.1).
	 *
	 * @param expiresAtMs the new expiry, or {@code null} when they do not expire
	 */
	record TokenRefreshed(@Nullable Long expiresAtMs) implements PushClientEvent {
	}

	/**
	 * Something failed without ending the connection (an {@code error} op, a receiver
	 * that threw).
	 *
	 * @param code the protocol error code, or {@code client} for a local failure
	 * @param message what happened
	 * @param channel the channel concerned, or {@code null}
	 */
	record Error(String code, String message, @Nullable String channel) implements PushClientEvent {
	}

	/**
	 * Another client subscribed to a channel whose kind announces joins (PROTOCOL.md
	 * §12).
	 *
	 * @param channel the channel
	 * @param clientId the client that joined
	 * @param user its principal's name
	 * @since 0.2.0
	 */
	record Joined(String channel, String clientId, String user) implements PushClientEvent {
	}

	/**
	 * Another client left a channel whose kind announces leaves: it unsubscribed or its
	 * connection ended.
	 *
	 * @param channel the channel
	 * @param clientId the client that left
	 * @param user its principal's name
	 * @since 0.2.0
	 */
	record Left(String channel, String clientId, String user) implements PushClientEvent {
	}

}

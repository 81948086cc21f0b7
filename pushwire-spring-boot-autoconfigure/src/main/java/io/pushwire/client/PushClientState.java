package io.pushwire.client;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.ResumeToken;

/**
 * A snapshot of a {@link PushClient}.
 *
 * @param status the connection status
 * @param clientId the client id (chosen once, kept across reconnects)
 * @param transport {@code websocket} or {@code sse} while connected, otherwise
 * {@code null}
 * @param connectedSince when the current connection got {@code auth_ok}, or {@code null}
 * @param reconnectCount how many connections were established after the first
 * @param lastError the last error that ended a connection, or {@code null}
 * @param positions per channel, the last cursor delivered and its epoch
 * @since 0.2.0
 */
public record PushClientState(PushClientStatus status, String clientId, @Nullable String transport,
		@Nullable Instant connectedSince, long reconnectCount, @Nullable Throwable lastError,
		Map<String, ResumeToken.Position> positions) {

	public PushClientState {
		positions = Map.copyOf(positions);
	}

}

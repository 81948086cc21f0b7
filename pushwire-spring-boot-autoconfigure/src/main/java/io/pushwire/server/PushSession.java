package io.pushwire.server;

import java.security.Principal;
import java.util.Map;
import java.util.Set;

import io.pushwire.core.ResumeToken;

/**
 * A client's session on the server: keyed by its client id, bound to the principal that
 * created it, holding the cursors it acknowledged, and outliving its connection for
 * {@code session-ttl}.
 *
 * @since 0.1.0
 */
public interface PushSession {

	/**
	 * The client id.
	 * @return the id
	 */
	String clientId();

	/**
	 * The principal the session is bound to.
	 * @return the principal of the latest connection
	 */
	Principal principal();

	/**
	 * Whether a connection is attached.
	 * @return {@code true} while the client is connected
	 */
	boolean isConnected();

	/**
	 * The transport of the attached connection.
	 * @return {@code websocket} or {@code sse}, or {@code null} when not connected
	 */
	@org.jspecify.annotations.Nullable
	String transport();

	/**
	 * The channels the client is (or was last) subscribed to.
	 * @return a snapshot
	 */
	Set<String> channels();

	/**
	 * The highest acknowledged cursor per channel, with the epoch it belongs to.
	 * @return a snapshot
	 */
	Map<String, ResumeToken.Position> acknowledged();

}

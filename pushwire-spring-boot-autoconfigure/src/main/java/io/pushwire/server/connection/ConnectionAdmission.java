package io.pushwire.server.connection;

import java.security.Principal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;

/**
 * Admission of connections on this node: {@code max-connections-per-second} for new
 * connections and {@code max-connections-per-principal} slots. One instance is shared by
 * every connection.
 *
 * @since 0.1.0
 */
public final class ConnectionAdmission {

	private final ServerLimits limits;

	private final TokenBucket newConnections;

	private final Map<String, AtomicInteger> connectionsByPrincipal = new ConcurrentHashMap<>();

	private volatile boolean accepting = true;

	/**
	 * Create the admission of a node.
	 * @param limits the limits against abuse
	 */
	public ConnectionAdmission(ServerLimits limits) {
		this.limits = limits;
		this.newConnections = new TokenBucket(limits.maxConnectionsPerSecond(), limits.maxConnectionsPerSecond());
	}

	/**
	 * Whether this node accepts one more new connection now
	 * ({@code max-connections-per-second}). Asked only once a client has authenticated,
	 * so that refused clients cannot use up the budget.
	 * @return {@code false} when the client should be refused ({@code rate_limited}:
	 * WebSocket {@code error} and close 1008, SSE HTTP 429)
	 */
	public boolean admitNewConnection() {
		return this.newConnections.tryAcquire();
	}

	/**
	 * Whether this node accepts new connections: {@code false} from
	 * {@link #stopAccepting()} (graceful shutdown) until {@link #startAccepting()}.
	 * @return whether new handshakes may proceed
	 */
	public boolean isAccepting() {
		return this.accepting;
	}

	/**
	 * Refuse new connections from now on ({@code unavailable}: HTTP 503 before a
	 * WebSocket upgrade or an SSE stream, {@code goodbye shutdown} and 1001 for a
	 * handshake already under way). Connections already open are not affected.
	 */
	public void stopAccepting() {
		this.accepting = false;
	}

	/**
	 * Accept new connections again (a restarted application context).
	 */
	public void startAccepting() {
		this.accepting = true;
	}

	/**
	 * Count a connection against its principal's limit.
	 * @param principal the principal
	 * @param replacing whether the connection replaces one of the same client id (which
	 * is about to close, so it may pass the limit briefly)
	 * @throws ProtocolException {@code rate_limited} when the principal holds too many
	 * connections
	 */
	public void acquireConnectionSlot(Principal principal, boolean replacing) {
		AtomicInteger count = this.connectionsByPrincipal.computeIfAbsent(principal.getName(),
				(name) -> new AtomicInteger());
		int now = count.incrementAndGet();
		if (now > this.limits.maxConnectionsPerPrincipal() && !replacing) {
			releaseConnectionSlot(principal);
			throw new ProtocolException(ErrorCode.RATE_LIMITED, "Too many connections for this principal (at most "
					+ this.limits.maxConnectionsPerPrincipal() + "); close one first");
		}
	}

	/**
	 * Release a slot taken with {@link #acquireConnectionSlot}.
	 * @param principal the principal
	 */
	public void releaseConnectionSlot(Principal principal) {
		this.connectionsByPrincipal.computeIfPresent(principal.getName(),
				(name, count) -> (count.decrementAndGet() <= 0) ? null : count);
	}

	/**
	 * How many slots a principal holds.
	 * @param principal the principal's name
	 * @return the count
	 */
	int slots(String principal) {
		AtomicInteger count = this.connectionsByPrincipal.get(principal);
		return (count != null) ? count.get() : 0;
	}

}

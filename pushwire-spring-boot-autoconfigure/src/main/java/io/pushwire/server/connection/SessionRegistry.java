package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Sessions by client id. A session is bound to the principal that created it for its whole life:
 * another principal presenting its client id is refused ({@code forbidden}, 4003 / HTTP 403). A
 * session without a connection expires after the session TTL.
 */
public final class SessionRegistry implements Disposable {

	private final Map<String, DefaultPushSession> sessions = new ConcurrentHashMap<>();

	private final long ttlNanos;

	private final Disposable sweeper;

	/**
	 * Create a registry that sweeps expired sessions on the parallel scheduler.
	 * @param ttl how long a session outlives its connection
	 */
	public SessionRegistry(Duration ttl) {
		this(ttl, Schedulers.parallel());
	}

	/**
	 * Create a registry.
	 * @param ttl how long a session outlives its connection
	 * @param scheduler the scheduler of the sweep
	 */
	public SessionRegistry(Duration ttl, Scheduler scheduler) {
		this.ttlNanos = ttl.toNanos();
		long period = Math.max(1000, Math.min(ttl.toMillis() / 2, 30_000));
		this.sweeper = scheduler.schedulePeriodically(this::sweep, period, period, TimeUnit.MILLISECONDS);
	}

	/**
	 * Attach a connection to the session of its client id, creating the session if needed.
	 * @param clientId the client id
	 * @param principal the connection's principal
	 * @param connection the connection
	 * @return the session and the connection it replaced, if any
	 * @throws ProtocolException {@code forbidden} when the client id is bound to another principal
	 */
	public Attached attach(String clientId, Principal principal, ClientConnection connection) {
		ClientConnection[] replaced = new ClientConnection[1];
		DefaultPushSession session = this.sessions.compute(clientId, (id, existing) -> {
			DefaultPushSession target = existing;
			if (target == null) {
				target = new DefaultPushSession(id, principal);
			}
			else if (!target.principalName().equals(principal.getName())) {
				throw new ProtocolException(ErrorCode.FORBIDDEN,
						"Client id " + id + " belongs to another principal; use a client id of your own");
			}
			replaced[0] = target.attach(connection, principal);
			return target;
		});
		return new Attached(session, replaced[0]);
	}

	/**
	 * Look up a session for a principal (HTTP ack and send).
	 * @param clientId the client id
	 * @param principal the caller
	 * @return the session
	 * @throws ProtocolException {@code not_connected} when there is none, {@code forbidden} when it
	 * belongs to another principal
	 */
	public DefaultPushSession require(String clientId, Principal principal) {
		DefaultPushSession session = this.sessions.get(clientId);
		if (session == null) {
			throw new ProtocolException(ErrorCode.NOT_CONNECTED,
					"No session for client id " + clientId + "; connect first (sessions expire after their TTL)");
		}
		if (!session.principalName().equals(principal.getName())) {
			throw new ProtocolException(ErrorCode.FORBIDDEN, "Client id " + clientId + " belongs to another principal");
		}
		return session;
	}

	/**
	 * Detach a connection from its session, starting the session's TTL.
	 * @param session the session
	 * @param connection the connection
	 */
	public void detach(DefaultPushSession session, ClientConnection connection) {
		session.detach(connection);
	}

	/**
	 * A session by client id.
	 * @param clientId the client id
	 * @return the session or {@code null}
	 */
	public @Nullable DefaultPushSession find(String clientId) {
		return this.sessions.get(clientId);
	}

	/**
	 * All sessions.
	 * @return a snapshot
	 */
	public Collection<DefaultPushSession> sessions() {
		return List.copyOf(this.sessions.values());
	}

	/**
	 * The sessions with a connection.
	 * @return a snapshot
	 */
	public List<DefaultPushSession> connected() {
		List<DefaultPushSession> result = new ArrayList<>();
		for (DefaultPushSession session : this.sessions.values()) {
			if (session.isConnected()) {
				result.add(session);
			}
		}
		return result;
	}

	/**
	 * Remove the sessions whose TTL ran out.
	 */
	public void sweep() {
		long now = System.nanoTime();
		for (String clientId : this.sessions.keySet()) {
			this.sessions.computeIfPresent(clientId,
					(id, session) -> session.isExpired(now, this.ttlNanos) ? null : session);
		}
	}

	@Override
	public void dispose() {
		this.sweeper.dispose();
	}

	@Override
	public boolean isDisposed() {
		return this.sweeper.isDisposed();
	}

	/**
	 * The result of attaching a connection.
	 *
	 * @param session the session
	 * @param replaced the connection that had the client id until now, or {@code null}
	 */
	public record Attached(DefaultPushSession session, @Nullable ClientConnection replaced) {
	}

}

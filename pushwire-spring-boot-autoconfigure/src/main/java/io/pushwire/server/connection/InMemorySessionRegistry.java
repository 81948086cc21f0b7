package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.security.AnonymousPrincipal;

/**
 * The default {@link SessionRegistry}: sessions by client id in this JVM's memory. A
 * session is bound to the principal that created it for its whole life: another principal
 * presenting its client id is refused ({@code forbidden}, 4003 / HTTP 403). A session
 * without a connection expires after the session TTL. One principal holds at most
 * {@code max-sessions-per-principal} sessions: past it, its oldest session without a
 * connection is dropped. Every operation completes before it returns: the {@code Mono}s
 * it answers with are already completed, so acknowledging a frame allocates nothing
 * beyond the recorded position.
 *
 * @since 0.1.0
 */
public final class InMemorySessionRegistry implements SessionRegistry, Disposable {

	/** The default {@code max-sessions-per-principal}. */
	public static final int DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 1000;

	private final Map<String, DefaultPushSession> sessions = new ConcurrentHashMap<>();

	/**
	 * The sessions of each principal, by name. Each set is read and changed only inside
	 * {@code compute} of its key, whose lock makes the bound exact; locks are always
	 * taken in the order sessions, then principals.
	 */
	private final Map<String, Set<DefaultPushSession>> byPrincipal = new ConcurrentHashMap<>();

	private final long ttlNanos;

	private final int maxSessionsPerPrincipal;

	private final Disposable sweeper;

	/**
	 * Create a registry that sweeps expired sessions on the parallel scheduler.
	 * @param ttl how long a session outlives its connection
	 */
	public InMemorySessionRegistry(Duration ttl) {
		this(ttl, Schedulers.parallel());
	}

	/**
	 * Create a registry that sweeps expired sessions on the parallel scheduler.
	 * @param ttl how long a session outlives its connection
	 * @param maxSessionsPerPrincipal most sessions one principal may hold
	 */
	public InMemorySessionRegistry(Duration ttl, int maxSessionsPerPrincipal) {
		this(ttl, Schedulers.parallel(), maxSessionsPerPrincipal);
	}

	/**
	 * Create a registry.
	 * @param ttl how long a session outlives its connection
	 * @param scheduler the scheduler of the sweep
	 */
	public InMemorySessionRegistry(Duration ttl, Scheduler scheduler) {
		this(ttl, scheduler, DEFAULT_MAX_SESSIONS_PER_PRINCIPAL);
	}

	/**
	 * Create a registry.
	 * @param ttl how long a session outlives its connection
	 * @param scheduler the scheduler of the sweep
	 * @param maxSessionsPerPrincipal most sessions one principal may hold
	 */
	public InMemorySessionRegistry(Duration ttl, Scheduler scheduler, int maxSessionsPerPrincipal) {
		if (maxSessionsPerPrincipal < 1) {
			throw new IllegalArgumentException(
					"pushwire.server.max-sessions-per-principal must be at least 1, not " + maxSessionsPerPrincipal);
		}
		this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
		this.ttlNanos = ttl.toNanos();
		long period = Math.max(1000, Math.min(ttl.toMillis() / 2, 30_000));
		this.sweeper = scheduler.schedulePeriodically(this::sweep, period, period, TimeUnit.MILLISECONDS);
	}

	@Override
	public Mono<Attached> attach(String clientId, Principal principal, ClientConnection connection,
			@Nullable String sessionSecret) {
		try {
			return Mono.just(attachNow(clientId, principal, connection, sessionSecret));
		}
		catch (ProtocolException ex) {
			return Mono.error(ex);
		}
	}

	/**
	 * Attach at once; see {@link #attach}.
	 * @param clientId the client id
	 * @param principal the connection's principal
	 * @param connection the connection
	 * @param sessionSecret the secret the client presented, or {@code null}
	 * @return the result
	 * @throws ProtocolException as {@link #attach} signals it
	 */
	Attached attachNow(String clientId, Principal principal, ClientConnection connection,
			@Nullable String sessionSecret) {
		ClientConnection[] replaced = new ClientConnection[1];
		DefaultPushSession[] dropped = new DefaultPushSession[1];
		boolean[] created = new boolean[1];
		DefaultPushSession session = this.sessions.compute(clientId, (id, existing) -> {
			DefaultPushSession target = existing;
			if (target == null) {
				target = new DefaultPushSession(id, principal);
				dropped[0] = register(target);
				created[0] = true;
			}
			else {
				checkOwner(target, principal, sessionSecret);
			}
			replaced[0] = target.attach(connection, principal);
			return target;
		});
		if (dropped[0] != null) {
			drop(dropped[0]);
		}
		return new Attached(session, replaced[0], (created[0]) ? session.secret() : null);
	}

	/**
	 * Look up a session for a principal (HTTP ack and send).
	 * @param clientId the client id
	 * @param principal the caller
	 * @param sessionSecret the secret the caller presented, or {@code null}
	 * @return the session
	 * @throws ProtocolException {@code not_connected} when there is none,
	 * {@code forbidden} when it belongs to another principal or the secret of an
	 * anonymous session is missing or wrong
	 */
	@Override
	public Mono<DefaultPushSession> require(String clientId, Principal principal, @Nullable String sessionSecret) {
		DefaultPushSession session = this.sessions.get(clientId);
		if (session == null) {
			return Mono.error(new ProtocolException(ErrorCode.NOT_CONNECTED,
					"No session for client id " + clientId + "; connect first (sessions expire after their TTL)"));
		}
		try {
			checkOwner(session, principal, sessionSecret);
		}
		catch (ProtocolException ex) {
			return Mono.error(ex);
		}
		return Mono.just(session);
	}

	private static void checkOwner(DefaultPushSession session, Principal principal, @Nullable String sessionSecret) {
		if (!session.principalName().equals(principal.getName())) {
			throw new ProtocolException(ErrorCode.FORBIDDEN,
					"Client id " + session.clientId() + " belongs to another principal; use a client id of your own");
		}
		if (!session.secretMatches(sessionSecret)) {
			// Anonymous principals are named after the client id, which other clients see
			// in frames.
			throw new ProtocolException(ErrorCode.FORBIDDEN, "Client id " + session.clientId()
					+ " names an anonymous session: present the session_secret of its first auth_ok");
		}
	}

	/**
	 * Count a new session against its principal's bound.
	 * @param session the new session
	 * @return the principal's oldest session without a connection, to drop now that the
	 * principal holds one more than allowed, or {@code null}
	 */
	private @Nullable DefaultPushSession register(DefaultPushSession session) {
		if (isSingleSessionPrincipal(session)) {
			return null;
		}
		DefaultPushSession[] oldest = new DefaultPushSession[1];
		this.byPrincipal.compute(session.principalName(), (name, owned) -> {
			Set<DefaultPushSession> target = (owned != null) ? owned : new HashSet<>();
			if (target.size() >= this.maxSessionsPerPrincipal) {
				oldest[0] = oldestDetached(target);
				if (oldest[0] == null) {
					throw new ProtocolException(ErrorCode.RATE_LIMITED, "Too many sessions for this principal (at most "
							+ this.maxSessionsPerPrincipal + ", all connected); close one first");
				}
				target.remove(oldest[0]);
			}
			target.add(session);
			return target;
		});
		return oldest[0];
	}

	private static @Nullable DefaultPushSession oldestDetached(Set<DefaultPushSession> sessions) {
		DefaultPushSession oldest = null;
		for (DefaultPushSession candidate : sessions) {
			if (!candidate.isConnected()
					&& (oldest == null || candidate.detachedAtNanos() - oldest.detachedAtNanos() < 0)) {
				oldest = candidate;
			}
		}
		return oldest;
	}

	/**
	 * An anonymous principal is named after its one client id, so it never holds a second
	 * session: not indexing it saves every anonymous connection the index's set (about
	 * 250 bytes).
	 * @param session the session
	 * @return {@code true} when the session's principal is anonymous
	 */
	private static boolean isSingleSessionPrincipal(DefaultPushSession session) {
		return session.isAnonymous();
	}

	private void unregister(DefaultPushSession session) {
		if (isSingleSessionPrincipal(session)) {
			return;
		}
		this.byPrincipal.computeIfPresent(session.principalName(), (name, owned) -> {
			owned.remove(session);
			return owned.isEmpty() ? null : owned;
		});
	}

	/**
	 * Remove a session that {@link #register} chose to drop, unless its client
	 * reconnected meanwhile: then it is counted again (the principal is one over its
	 * bound until one of its sessions goes).
	 * @param session the session to drop
	 */
	private void drop(DefaultPushSession session) {
		this.sessions.computeIfPresent(session.clientId(), (id, current) -> {
			if (current != session) {
				return current;
			}
			if (current.isConnected()) {
				this.byPrincipal.compute(session.principalName(), (name, owned) -> {
					Set<DefaultPushSession> target = (owned != null) ? owned : new HashSet<>();
					target.add(session);
					return target;
				});
				return current;
			}
			return null;
		});
	}

	@Override
	public Mono<Void> acknowledge(DefaultPushSession session, String channel, long cursor, String epoch) {
		session.acknowledge(channel, cursor, epoch);
		return Mono.empty();
	}

	@Override
	public Mono<Integer> sessionCount(String principalName) {
		if (principalName.startsWith(AnonymousPrincipal.PREFIX)) {
			// Not indexed (see isSingleSessionPrincipal): an anonymous principal holds
			// its one session.
			DefaultPushSession single = this.sessions.get(principalName.substring(AnonymousPrincipal.PREFIX.length()));
			return Mono.just((single != null && single.principalName().equals(principalName)) ? 1 : 0);
		}
		// Read under the key's lock, as every change to the set is made.
		int[] count = new int[1];
		this.byPrincipal.computeIfPresent(principalName, (name, owned) -> {
			count[0] = owned.size();
			return owned;
		});
		return Mono.just(count[0]);
	}

	@Override
	public void detach(DefaultPushSession session, ClientConnection connection) {
		session.detach(connection);
	}

	@Override
	public Mono<DefaultPushSession> find(String clientId) {
		return Mono.justOrEmpty(this.sessions.get(clientId));
	}

	@Override
	public @Nullable DefaultPushSession local(String clientId) {
		return this.sessions.get(clientId);
	}

	@Override
	public Collection<DefaultPushSession> sessions() {
		return List.copyOf(this.sessions.values());
	}

	@Override
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
			this.sessions.computeIfPresent(clientId, (id, session) -> {
				if (session.isExpired(now, this.ttlNanos)) {
					unregister(session);
					return null;
				}
				return session;
			});
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

}

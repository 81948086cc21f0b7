package io.pushwire.server.rtc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.pushwire.core.SystemOp;
import io.pushwire.server.PeerRouteMode;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.SessionRegistry;

/**
 * One route per unordered pair of peers (PROTOCOL.md §10.4): its mode, generation and
 * failure count, the switch to {@code relay} past the failure threshold and the offer of
 * {@code p2p} again after a backoff that doubles with each further degradation of the
 * pair, up to a cap. Every switch is announced to both clients with {@code mode_switch}.
 * <p>
 * A route is made when a {@code status} report or the server API first acts on the pair,
 * and remembers the rooms it was used in; it is forgotten (with its pending recovery)
 * when either client leaves the last of them, so that there are never more routes than
 * pairs of current room members. Each route's state is guarded by its own lock; the
 * {@code mode_switch} ops are queued outside it.
 */
final class PeerRoutes {

	static final String REQUESTED = "requested";

	static final String PATH_DEGRADED = "path_degraded";

	static final String PATH_RECOVERED = "path_recovered";

	static final String OPERATOR_OVERRIDE = "operator_override";

	private final RtcSettings settings;

	private final SessionRegistry sessions;

	private final Map<Pair, Route> routes = new ConcurrentHashMap<>();

	private final Map<String, Set<Pair>> byClient = new ConcurrentHashMap<>();

	private volatile Scheduler timers = Schedulers.parallel();

	PeerRoutes(RtcSettings settings, SessionRegistry sessions) {
		this.settings = settings;
		this.sessions = sessions;
	}

	void setTimers(Scheduler timers) {
		this.timers = timers;
	}

	/**
	 * Act on a {@code status} report delivered from one peer to another.
	 * @param channel the room
	 * @param from the reporting client
	 * @param to the other client
	 * @param status the reported state
	 */
	void status(String channel, String from, String to, String status) {
		PeerRouteMode requested = PeerRouteMode.fromWireName(status);
		if (requested != null) {
			switchTo(channel, from, to, requested, REQUESTED);
			return;
		}
		if (!"failed".equals(status) && !"connected".equals(status) && !"completed".equals(status)) {
			return;
		}
		Route route = route(channel, from, to);
		List<Switch> switches = new ArrayList<>(1);
		synchronized (route) {
			if (route.removed) {
				return;
			}
			if ("failed".equals(status)) {
				if (route.mode != PeerRouteMode.RELAY && ++route.failures >= this.settings.failureThreshold()) {
					route.degradations++;
					switches.add(route.switchTo(PeerRouteMode.RELAY, PATH_DEGRADED));
					scheduleRecovery(route, backoff(route.degradations));
				}
			}
			else {
				route.failures = 0;
				if (route.mode == PeerRouteMode.P2P) {
					// The p2p path works again: the next degradation waits the base
					// backoff.
					route.degradations = 0;
				}
			}
		}
		announce(switches);
	}

	/**
	 * Switch a pair's route.
	 * @param channel the room they are both in
	 * @param a one client
	 * @param b the other
	 * @param mode the mode
	 * @param reason {@code requested} or {@code operator_override}
	 * @return {@code true} when it switched; {@code false} when it was in that mode
	 */
	boolean switchTo(String channel, String a, String b, PeerRouteMode mode, String reason) {
		Route route = route(channel, a, b);
		Switch change;
		synchronized (route) {
			if (route.removed) {
				return false;
			}
			change = route.switchTo(mode, reason);
			if (change != null) {
				route.cancelRecovery();
			}
		}
		announce((change != null) ? List.of(change) : List.of());
		return change != null;
	}

	/**
	 * A client left a room: forget its routes used in no other room.
	 * @param channel the room
	 * @param clientId the client
	 */
	void left(String channel, String clientId) {
		Set<Pair> pairs = this.byClient.get(clientId);
		if (pairs == null) {
			return;
		}
		for (Pair pair : List.copyOf(pairs)) {
			Route route = this.routes.get(pair);
			if (route == null) {
				continue;
			}
			synchronized (route) {
				route.rooms.remove(channel);
				if (!route.rooms.isEmpty() || route.removed) {
					continue;
				}
				route.removed = true;
				route.cancelRecovery();
			}
			this.routes.remove(pair, route);
			unindex(pair.a(), pair);
			unindex(pair.b(), pair);
		}
	}

	/**
	 * The route of a pair, if there is one.
	 * @param a one client
	 * @param b the other
	 * @return a snapshot, or {@code null}
	 */
	@Nullable RouteState state(String a, String b) {
		Route route = this.routes.get(Pair.of(a, b));
		if (route == null) {
			return null;
		}
		synchronized (route) {
			return new RouteState(route.mode, route.generation, route.failures);
		}
	}

	/**
	 * How many routes are kept.
	 * @return the count
	 */
	int size() {
		return this.routes.size();
	}

	Duration backoff(int degradations) {
		Duration backoff = this.settings.retryBackoff();
		for (int i = 1; i < degradations && backoff.compareTo(this.settings.maxRetryBackoff()) < 0; i++) {
			backoff = backoff.multipliedBy(2);
		}
		return (backoff.compareTo(this.settings.maxRetryBackoff()) > 0) ? this.settings.maxRetryBackoff() : backoff;
	}

	private Route route(String channel, String a, String b) {
		Pair pair = Pair.of(a, b);
		while (true) {
			Route route = this.routes.computeIfAbsent(pair, (key) -> {
				index(key.a(), key);
				index(key.b(), key);
				return new Route(key);
			});
			synchronized (route) {
				if (!route.removed) {
					route.rooms.add(channel);
					return route;
				}
			}
			// Removed by a leave between the lookup and the lock: make a new one.
			this.routes.remove(pair, route);
		}
	}

	private void index(String clientId, Pair pair) {
		this.byClient.computeIfAbsent(clientId, (id) -> ConcurrentHashMap.newKeySet()).add(pair);
	}

	private void unindex(String clientId, Pair pair) {
		this.byClient.computeIfPresent(clientId, (id, pairs) -> {
			pairs.remove(pair);
			return pairs.isEmpty() ? null : pairs;
		});
	}

	/**
	 * Offer p2p again after a backoff; called with the route's lock held.
	 * @param route the route
	 * @param backoff the wait
	 */
	private void scheduleRecovery(Route route, Duration backoff) {
		route.cancelRecovery();
		Disposable[] self = new Disposable[1];
		self[0] = this.timers.schedule(() -> recover(route, self[0]), backoff.toMillis(), TimeUnit.MILLISECONDS);
		route.recovery = self[0];
	}

	private void recover(Route route, @Nullable Disposable task) {
		Switch change = null;
		synchronized (route) {
			if (!route.removed && route.mode == PeerRouteMode.RELAY && (task == null || route.recovery == task)) {
				route.recovery = null;
				change = route.switchTo(PeerRouteMode.P2P, PATH_RECOVERED);
			}
		}
		announce((change != null) ? List.of(change) : List.of());
	}

	private void announce(List<Switch> switches) {
		for (Switch change : switches) {
			if (change == null) {
				continue;
			}
			send(change.pair().a(), new SystemOp.ModeSwitch(change.pair().b(), change.mode().wireName(),
					change.previous().wireName(), change.reason(), change.generation()));
			send(change.pair().b(), new SystemOp.ModeSwitch(change.pair().a(), change.mode().wireName(),
					change.previous().wireName(), change.reason(), change.generation()));
		}
	}

	private void send(String clientId, SystemOp.ModeSwitch op) {
		DefaultPushSession session = this.sessions.local(clientId);
		ClientConnection connection = (session != null) ? session.connection() : null;
		if (connection != null && connection.isAuthenticated()) {
			connection.send(op);
		}
	}

	/**
	 * A route as seen at one moment.
	 *
	 * @param mode its mode
	 * @param generation its generation
	 * @param failures the failures reported since its last switch or success
	 */
	record RouteState(PeerRouteMode mode, long generation, int failures) {
	}

	/** An unordered pair of client ids, {@code a} the smaller. */
	private record Pair(String a, String b) {

		static Pair of(String x, String y) {
			return (x.compareTo(y) <= 0) ? new Pair(x, y) : new Pair(y, x);
		}

	}

	private record Switch(Pair pair, PeerRouteMode mode, PeerRouteMode previous, String reason, long generation) {
	}

	/** A route; guarded by its own lock. */
	private static final class Route {

		private final Pair pair;

		private final Set<String> rooms = new HashSet<>(2);

		private PeerRouteMode mode = PeerRouteMode.DIRECT;

		private long generation;

		private int failures;

		private int degradations;

		private @Nullable Disposable recovery;

		private boolean removed;

		Route(Pair pair) {
			this.pair = pair;
		}

		@Nullable Switch switchTo(PeerRouteMode next, String reason) {
			if (next == this.mode) {
				return null;
			}
			PeerRouteMode previous = this.mode;
			this.mode = next;
			this.generation++;
			this.failures = 0;
			return new Switch(this.pair, next, previous, reason, this.generation);
		}

		void cancelRecovery() {
			if (this.recovery != null) {
				this.recovery.dispose();
				this.recovery = null;
			}
		}

	}

}

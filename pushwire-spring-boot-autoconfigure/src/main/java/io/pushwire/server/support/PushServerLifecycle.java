package io.pushwire.server.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.pushwire.core.CloseReason;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.SessionRegistry;

/**
 * Drains this node when the application stops, before the web server's graceful shutdown
 * (its phase is higher, so it stops first): new WebSocket and SSE connections are refused
 * at once ({@link ConnectionAdmission#stopAccepting()}), then every connected client gets
 * {@code goodbye shutdown} and 1001, spread evenly over
 * {@code pushwire.server.shutdown-drain} so that the clients do not reconnect to the
 * other nodes in one wave, and the stop completes once the goodbyes are written (or after
 * {@link #FLUSH_TIMEOUT}, when the connections are dropped anyway).
 * <p>
 * The drain and the flush run on a {@link Scheduler} (never on the thread that stops the
 * context), ticking every {@link #TICK}; a test gives a virtual-time scheduler. The drain
 * plus the flush must fit Spring's {@code spring.lifecycle.timeout-per-shutdown-phase}
 * (30 s by default).
 *
 * @since 0.1.0
 */
public final class PushServerLifecycle implements SmartLifecycle {

	/** The default of {@code pushwire.server.shutdown-drain}. */
	public static final Duration DEFAULT_SHUTDOWN_DRAIN = Duration.ofSeconds(10);

	/**
	 * How long the stop waits, after the last goodbye was queued, for the connections to
	 * end; as long as a closing connection waits for its goodbye to be written.
	 */
	public static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(5);

	/** How often the drain closes the connections that are due and checks the flush. */
	static final Duration TICK = Duration.ofMillis(10);

	private static final Log logger = LogFactory.getLog(PushServerLifecycle.class);

	private final SessionRegistry sessions;

	private final ConnectionAdmission admission;

	private final Duration drain;

	private final Scheduler scheduler;

	private volatile boolean running;

	private volatile @Nullable Disposable draining;

	/**
	 * Create the lifecycle, draining on the parallel scheduler.
	 * @param sessions the sessions, whose connections are closed
	 * @param admission the node's admission, closed to new connections on stop
	 * @param drain the period over which the goodbyes are spread
	 * ({@code pushwire.server.shutdown-drain}); zero for all at once
	 */
	public PushServerLifecycle(SessionRegistry sessions, ConnectionAdmission admission, Duration drain) {
		this(sessions, admission, drain, Schedulers.parallel());
	}

	/**
	 * Create the lifecycle.
	 * @param sessions the sessions, whose connections are closed
	 * @param admission the node's admission, closed to new connections on stop
	 * @param drain the period over which the goodbyes are spread
	 * ({@code pushwire.server.shutdown-drain}); zero for all at once
	 * @param scheduler where the drain runs, and whose clock it follows
	 */
	public PushServerLifecycle(SessionRegistry sessions, ConnectionAdmission admission, Duration drain,
			Scheduler scheduler) {
		if (drain.isNegative()) {
			throw new IllegalArgumentException(
					"pushwire.server.shutdown-drain must not be negative (0 closes every connection at once), was "
							+ drain);
		}
		this.sessions = sessions;
		this.admission = admission;
		this.drain = drain;
		this.scheduler = scheduler;
	}

	@Override
	public void start() {
		this.admission.startAccepting();
		this.running = true;
	}

	/**
	 * Refuse new connections and close every connection at once, without waiting.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.admission.stopAccepting();
		for (ClientConnection connection : open()) {
			connection.close(CloseReason.SHUTDOWN);
		}
	}

	/**
	 * Refuse new connections, close the open ones spread over the drain period, and run
	 * the callback once their goodbyes are written (at most {@link #FLUSH_TIMEOUT} after
	 * the last one was queued).
	 * @param callback run when this node is drained
	 */
	@Override
	public void stop(Runnable callback) {
		this.running = false;
		this.admission.stopAccepting();
		Drain drain = new Drain(open(), callback);
		this.draining = this.scheduler.schedulePeriodically(drain, 0, TICK.toNanos(), TimeUnit.NANOSECONDS);
	}

	/**
	 * Whether this node is draining: stopped, refusing new connections, and closing the
	 * open ones.
	 * @return {@code true} from the stop until the application starts again
	 */
	public boolean isDraining() {
		return !this.admission.isAccepting();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Above the web server's graceful shutdown (DEFAULT_PHASE - 1024) and the web
		// server itself: the connections are drained while the server still serves them.
		return SmartLifecycle.DEFAULT_PHASE;
	}

	private List<ClientConnection> open() {
		List<DefaultPushSession> connected = this.sessions.connected();
		List<ClientConnection> connections = new ArrayList<>(connected.size());
		for (DefaultPushSession session : connected) {
			ClientConnection connection = session.connection();
			if (connection != null) {
				connections.add(connection);
			}
		}
		return connections;
	}

	/**
	 * One drain: on each tick, closes the connections whose turn has come (the i-th of n
	 * at {@code drain * i / n}), then sweeps up any that attached meanwhile and waits for
	 * the connections to end. Ticks of a periodic task never overlap.
	 */
	private final class Drain implements Runnable {

		private final List<ClientConnection> connections;

		private final Runnable callback;

		private final long startNanos;

		private int closed;

		private long flushDeadlineNanos = -1;

		private volatile boolean done;

		Drain(List<ClientConnection> connections, Runnable callback) {
			this.connections = connections;
			this.callback = callback;
			this.startNanos = PushServerLifecycle.this.scheduler.now(TimeUnit.NANOSECONDS);
		}

		@Override
		public void run() {
			if (this.done) {
				// The first tick may finish before the task is known: dispose it now.
				dispose();
				return;
			}
			try {
				long now = PushServerLifecycle.this.scheduler.now(TimeUnit.NANOSECONDS);
				int count = this.connections.size();
				if (this.closed < count) {
					int due = due(now - this.startNanos, count);
					while (this.closed < due) {
						this.connections.get(this.closed++).close(CloseReason.SHUTDOWN);
					}
				}
				if (this.closed < count) {
					return;
				}
				if (this.flushDeadlineNanos < 0) {
					this.flushDeadlineNanos = now + FLUSH_TIMEOUT.toNanos();
				}
				// A handshake that passed the admission just before the stop attaches
				// after the snapshot: it is closed here, with the stragglers.
				List<ClientConnection> open = open();
				for (ClientConnection connection : open) {
					if (connection.closeReason() == null) {
						connection.close(CloseReason.SHUTDOWN);
					}
				}
				if (open.isEmpty() || now >= this.flushDeadlineNanos) {
					if (!open.isEmpty() && logger.isDebugEnabled()) {
						logger.debug(open.size() + " push connections did not end within " + FLUSH_TIMEOUT);
					}
					finish();
				}
			}
			catch (RuntimeException ex) {
				logger.error("Draining the push connections failed; stopping anyway", ex);
				finish();
			}
		}

		private int due(long elapsedNanos, int count) {
			long drainNanos = PushServerLifecycle.this.drain.toNanos();
			if (elapsedNanos >= drainNanos) {
				return count;
			}
			// The i-th connection is due at drain * i / count, the first at once.
			return (int) Math.min(count, (long) ((double) elapsedNanos / drainNanos * count) + 1);
		}

		private void finish() {
			this.done = true;
			dispose();
			this.callback.run();
		}

		private void dispose() {
			Disposable task = PushServerLifecycle.this.draining;
			if (task != null) {
				task.dispose();
			}
		}

	}

}

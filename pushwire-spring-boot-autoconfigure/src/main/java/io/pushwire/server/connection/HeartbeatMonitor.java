package io.pushwire.server.connection;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One timer for the heartbeats of every connection: each tick pings the connections due
 * for a ping and closes those silent past the grace or stalled past the write timeout. A
 * timer per connection would cost tens of thousands of scheduled tasks on a busy node.
 *
 * @since 0.1.0
 */
public final class HeartbeatMonitor implements Disposable {

	private static final Log logger = LogFactory.getLog(HeartbeatMonitor.class);

	private final Set<ClientConnection> connections = ConcurrentHashMap.newKeySet();

	private final Disposable ticker;

	private final LongSupplier nanoTime;

	/**
	 * Create a monitor ticking on the parallel scheduler.
	 * @param heartbeat the heartbeat interval
	 * @param grace the silence tolerated past one interval
	 */
	public HeartbeatMonitor(Duration heartbeat, Duration grace) {
		this(heartbeat, grace, Schedulers.parallel());
	}

	/**
	 * Create a monitor.
	 * @param heartbeat the heartbeat interval
	 * @param grace the silence tolerated past one interval
	 * @param scheduler the scheduler of the ticks
	 */
	public HeartbeatMonitor(Duration heartbeat, Duration grace, Scheduler scheduler) {
		this(heartbeat, grace, scheduler, System::nanoTime);
	}

	/**
	 * Create a monitor that reads the time of its ticks from a given source (for tests on
	 * virtual time).
	 * @param heartbeat the heartbeat interval
	 * @param grace the silence tolerated past one interval
	 * @param scheduler the scheduler of the ticks
	 * @param nanoTime the time source, like {@link System#nanoTime()}
	 */
	HeartbeatMonitor(Duration heartbeat, Duration grace, Scheduler scheduler, LongSupplier nanoTime) {
		this.nanoTime = nanoTime;
		long tick = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(heartbeat.toNanos(), grace.toNanos()) / 4);
		this.ticker = scheduler.schedulePeriodically(this::tick, tick, tick, TimeUnit.NANOSECONDS);
	}

	void register(ClientConnection connection) {
		this.connections.add(connection);
	}

	void unregister(ClientConnection connection) {
		this.connections.remove(connection);
	}

	/**
	 * How many connections are watched.
	 * @return the count
	 */
	public int size() {
		return this.connections.size();
	}

	void tick() {
		long now = this.nanoTime.getAsLong();
		for (ClientConnection connection : this.connections) {
			try {
				connection.heartbeatTick(now);
			}
			catch (RuntimeException ex) {
				logger.error("Heartbeat of a connection failed", ex);
			}
		}
	}

	@Override
	public void dispose() {
		this.ticker.dispose();
	}

	@Override
	public boolean isDisposed() {
		return this.ticker.isDisposed();
	}

}

package io.pushwire.server.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.pushwire.core.ChannelName;
import io.pushwire.server.ChannelKind;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Streams held in this JVM's memory. A restart loses them, and the new streams have new epochs, so
 * clients that resume are told with {@code resume_required}. A stream with no listener whose window
 * has emptied (every frame older than the kind's {@code history-ttl}) is removed by a periodic sweep,
 * so subscribing to ever new topics cannot grow memory without bound.
 */
public final class InMemoryChannelStreamStore implements ChannelStreamStore, Disposable {

	private final Map<String, InMemoryChannelStream> streams = new ConcurrentHashMap<>();

	private final Clock clock;

	private final Disposable sweeper;

	/**
	 * Create a store that sweeps idle streams every 30 seconds.
	 */
	public InMemoryChannelStreamStore() {
		this(Clock.systemUTC(), Duration.ofSeconds(30), Schedulers.parallel());
	}

	/**
	 * Create a store.
	 * @param clock the clock for frame ages
	 * @param sweepInterval how often to remove idle streams
	 * @param scheduler the scheduler of the sweep
	 */
	public InMemoryChannelStreamStore(Clock clock, Duration sweepInterval, Scheduler scheduler) {
		this.clock = clock;
		this.sweeper = scheduler.schedulePeriodically(this::sweep, sweepInterval.toMillis(), sweepInterval.toMillis(),
				java.util.concurrent.TimeUnit.MILLISECONDS);
	}

	@Override
	public ChannelStream stream(ChannelName channel, ChannelKind kind) {
		return streamFor(channel.value(), kind);
	}

	private InMemoryChannelStream streamFor(String channel, ChannelKind kind) {
		return this.streams.computeIfAbsent(channel, (name) -> new InMemoryChannelStream(name, kind.historySize(),
				kind.historyTtl(), this.clock, () -> streamFor(name, kind)));
	}

	@Override
	public @Nullable ChannelStream find(String channel) {
		return this.streams.get(channel);
	}

	@Override
	public int size() {
		return this.streams.size();
	}

	/**
	 * Remove streams that have no listener and no frame left in their window.
	 */
	public void sweep() {
		for (String channel : this.streams.keySet()) {
			this.streams.computeIfPresent(channel, (name, stream) -> stream.retireIfIdle() ? null : stream);
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

package io.pushwire.server.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.ResumeToken;
import io.pushwire.server.channel.ChannelKind;

/**
 * Streams held in this JVM's memory. A restart loses them, and the new streams have new
 * epochs, so clients that resume are told with {@code resume_required}. A stream with no
 * listener whose window has emptied (every frame older than the kind's
 * {@code history-ttl}) is removed by a periodic sweep. Two bounds hold whatever clients
 * do: the frames of all streams retain at most {@code max-retained-bytes} (counted by
 * their encoded size; past it the oldest frames of the channels published least recently
 * are evicted), and at most {@code max-channels} streams live (past it the streams
 * without a listener that were published least recently are retired; when every stream
 * has a listener a new channel is refused with {@code rate_limited}). A retired stream
 * leaves a tombstone (its epoch and head; at most {@code max-channels} of them, the
 * oldest forgotten first) from which the channel's next stream continues, so that
 * retiring loses nothing a client could still resume.
 * <p>
 * The store is both the {@link ChannelStore} (storage) and the {@link ChannelStreamStore}
 * of this node: each stream hands its frames to its channel's listeners of the
 * {@link ChannelHub} under the same lock that numbers them, so that attaching is atomic
 * and publishing schedules nothing. Every {@code Mono} it answers with does its work when
 * subscribed, on the subscribing thread.
 *
 * @since 0.1.0
 */
public final class InMemoryChannelStreamStore implements ChannelStore, ChannelStreamStore, Disposable {

	/** The default of {@code pushwire.server.max-retained-bytes}: 256 MB. */
	public static final long DEFAULT_MAX_RETAINED_BYTES = 256L * 1024 * 1024;

	/** The default of {@code pushwire.server.max-channels}. */
	public static final int DEFAULT_MAX_CHANNELS = 100_000;

	private final Map<String, InMemoryChannelStream> streams = new ConcurrentHashMap<>();

	private final Clock clock;

	private final Disposable sweeper;

	private final ProtocolCodec codec;

	private final Retention retention;

	private final int maxChannels;

	private final ChannelHub hub;

	/** Epoch and head of retired streams by channel, oldest first; guarded by itself. */
	private final Map<String, InMemoryChannelStream.Tombstone> tombstones = new LinkedHashMap<>();

	/** One thread at a time retires streams for {@code max-channels}. */
	private final Object makingRoom = new Object();

	/**
	 * Create a store that sweeps idle streams every 30 seconds.
	 */
	public InMemoryChannelStreamStore() {
		this(new MonotonicClock(), Duration.ofSeconds(30), Schedulers.parallel());
	}

	/**
	 * Create a store with bounds that sweeps idle streams every 30 seconds.
	 * @param codec the codec that frames are encoded (and counted) with
	 * @param maxRetainedBytes the most bytes of frames that all streams retain for replay
	 * @param maxChannels the most streams that live at once
	 */
	public InMemoryChannelStreamStore(ProtocolCodec codec, long maxRetainedBytes, int maxChannels) {
		this(new MonotonicClock(), Duration.ofSeconds(30), Schedulers.parallel(), codec, maxRetainedBytes, maxChannels);
	}

	/**
	 * Create a store.
	 * @param clock the clock for frame ages
	 * @param sweepInterval how often to remove idle streams
	 * @param scheduler the scheduler of the sweep
	 */
	public InMemoryChannelStreamStore(Clock clock, Duration sweepInterval, Scheduler scheduler) {
		this(clock, sweepInterval, scheduler, new ProtocolCodec(), DEFAULT_MAX_RETAINED_BYTES, DEFAULT_MAX_CHANNELS);
	}

	/**
	 * Create a store with bounds.
	 * @param clock the clock for frame ages
	 * @param sweepInterval how often to remove idle streams
	 * @param scheduler the scheduler of the sweep
	 * @param codec the codec that frames are encoded (and counted) with
	 * @param maxRetainedBytes the most bytes of frames that all streams retain for replay
	 * @param maxChannels the most streams that live at once
	 */
	public InMemoryChannelStreamStore(Clock clock, Duration sweepInterval, Scheduler scheduler, ProtocolCodec codec,
			long maxRetainedBytes, int maxChannels) {
		this(clock, sweepInterval, scheduler, codec, maxRetainedBytes, maxChannels, new ChannelHub());
	}

	/**
	 * Create a store with bounds that sweeps idle streams every 30 seconds and fans
	 * frames out through a hub.
	 * @param codec the codec that frames are encoded (and counted) with
	 * @param maxRetainedBytes the most bytes of frames that all streams retain for replay
	 * @param maxChannels the most streams that live at once
	 * @param hub this node's fan-out
	 */
	public InMemoryChannelStreamStore(ProtocolCodec codec, long maxRetainedBytes, int maxChannels, ChannelHub hub) {
		this(new MonotonicClock(), Duration.ofSeconds(30), Schedulers.parallel(), codec, maxRetainedBytes, maxChannels,
				hub);
	}

	/**
	 * Create a store with bounds that fans frames out through a hub.
	 * @param clock the clock for frame ages
	 * @param sweepInterval how often to remove idle streams
	 * @param scheduler the scheduler of the sweep
	 * @param codec the codec that frames are encoded (and counted) with
	 * @param maxRetainedBytes the most bytes of frames that all streams retain for replay
	 * @param maxChannels the most streams that live at once
	 * @param hub this node's fan-out
	 */
	public InMemoryChannelStreamStore(Clock clock, Duration sweepInterval, Scheduler scheduler, ProtocolCodec codec,
			long maxRetainedBytes, int maxChannels, ChannelHub hub) {
		if (maxRetainedBytes <= 0) {
			throw new IllegalArgumentException(
					"pushwire.server.max-retained-bytes must be positive, was " + maxRetainedBytes + " bytes");
		}
		if (maxChannels <= 0) {
			throw new IllegalArgumentException("pushwire.server.max-channels must be positive, was " + maxChannels);
		}
		this.codec = codec;
		this.hub = hub;
		this.retention = new Retention(maxRetainedBytes, this.streams::values);
		this.maxChannels = maxChannels;
		this.clock = clock;
		this.sweeper = scheduler.schedulePeriodically(this::sweep, sweepInterval.toMillis(), sweepInterval.toMillis(),
				java.util.concurrent.TimeUnit.MILLISECONDS);
	}

	@Override
	public ChannelStream stream(ChannelName channel, ChannelKind kind) {
		return streamFor(channel.value(), kind);
	}

	private InMemoryChannelStream streamFor(String channel, ChannelKind kind) {
		InMemoryChannelStream existing = this.streams.get(channel);
		if (existing != null) {
			return existing;
		}
		if (this.streams.size() >= this.maxChannels) {
			makeRoom();
		}
		return this.streams.computeIfAbsent(channel, (name) -> {
			if (this.streams.size() >= this.maxChannels) {
				throw new ProtocolException(ErrorCode.RATE_LIMITED, "The server holds the most channels it may ("
						+ this.maxChannels + ", pushwire.server.max-channels), each with a subscriber; try again later",
						name);
			}
			InMemoryChannelStream.Tombstone tombstone;
			synchronized (this.tombstones) {
				tombstone = this.tombstones.remove(name);
			}
			return new InMemoryChannelStream(name, kind.historySize(), kind.historyTtl(), this.clock, this.codec,
					this.retention, tombstone, this.hub.listeners(name), () -> streamFor(name, kind));
		});
	}

	/**
	 * Retire the streams without a listener that were published least recently: a
	 * sixteenth of the bound at once, so that the scan is amortized over many new
	 * channels.
	 */
	private void makeRoom() {
		synchronized (this.makingRoom) {
			int excess = this.streams.size() - this.maxChannels + 1;
			if (excess <= 0) {
				return;
			}
			List<InMemoryChannelStream> idle = new ArrayList<>();
			for (InMemoryChannelStream stream : this.streams.values()) {
				if (stream.hasNoListener()) {
					idle.add(stream);
				}
			}
			idle.sort(Comparator.comparingLong(InMemoryChannelStream::lastAppendMillis));
			int retire = Math.min(idle.size(), Math.max(excess, this.maxChannels / 16));
			for (InMemoryChannelStream stream : idle.subList(0, retire)) {
				this.streams.computeIfPresent(stream.channel(),
						(name, current) -> (current == stream && stream.retireIfUnlistened()) ? bury(stream) : current);
			}
		}
	}

	/**
	 * The stream of a channel if it exists.
	 * @param channel the channel name
	 * @return the stream or {@code null}
	 */
	public @Nullable ChannelStream find(String channel) {
		return this.streams.get(channel);
	}

	@Override
	public Mono<StoredFrame> append(ChannelName channel, ChannelKind kind, JsonNode payload,
			@Nullable String clientId) {
		return Mono.fromSupplier(() -> streamFor(channel.value(), kind).appendNow(payload, clientId));
	}

	@Override
	public Mono<StreamReplay> read(ChannelName channel, ChannelKind kind, ResumeToken.@Nullable Position from) {
		return Mono.fromSupplier(() -> streamFor(channel.value(), kind).readNow(from));
	}

	@Override
	public Mono<StreamPosition> position(String channel) {
		InMemoryChannelStream stream = this.streams.get(channel);
		return (stream != null) ? stream.position() : Mono.empty();
	}

	/**
	 * The hub this store's streams fan out through.
	 * @return the hub
	 */
	public ChannelHub hub() {
		return this.hub;
	}

	@Override
	public long retainedBytes() {
		return this.retention.retained();
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
			this.streams.computeIfPresent(channel, (name, stream) -> stream.retireIfIdle() ? bury(stream) : stream);
		}
	}

	/**
	 * Keep a retired stream's tombstone, inside the map's atomic removal so that the
	 * channel's next stream finds it.
	 * @param stream the retired stream
	 * @return {@code null}, to remove the stream from the map
	 */
	private @Nullable InMemoryChannelStream bury(InMemoryChannelStream stream) {
		// Retired only without listeners: the hub forgets the channel until it has a
		// stream again.
		this.hub.release(stream.channel(), stream.listeners());
		synchronized (this.tombstones) {
			this.tombstones.remove(stream.channel());
			this.tombstones.put(stream.channel(), stream.tombstone());
			Iterator<String> oldest = this.tombstones.keySet().iterator();
			while (this.tombstones.size() > this.maxChannels) {
				oldest.next();
				oldest.remove();
			}
		}
		return null;
	}

	/**
	 * The clock of frame ages.
	 * @return the clock
	 */
	Clock clock() {
		return this.clock;
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

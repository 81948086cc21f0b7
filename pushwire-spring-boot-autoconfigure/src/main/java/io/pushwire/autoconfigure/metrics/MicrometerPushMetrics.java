package io.pushwire.autoconfigure.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import io.pushwire.core.CloseReason;
import io.pushwire.server.observation.PushMetrics;
import io.pushwire.server.stream.ChannelStreamStore;

/**
 * {@link PushMetrics} as Micrometer meters named {@code pushwire.*}
 * ({@code docs/observability.md} lists them). Meters are created on first use and kept in
 * maps keyed by their low-cardinality tags (transport, channel kind, reason, limit), so
 * that recording looks up at most a map or two and never builds a string; a subscription
 * resolves its {@link ChannelMeters} once.
 *
 * @since 0.1.0
 */
public final class MicrometerPushMetrics implements PushMetrics {

	private final MeterRegistry registry;

	private final Map<String, AtomicLong> active = new ConcurrentHashMap<>();

	private final Map<String, Timer[]> lifetimes = new ConcurrentHashMap<>();

	private final Map<String, Map<String, ChannelMeters>> channels = new ConcurrentHashMap<>();

	private final Map<String, Counter> slow = new ConcurrentHashMap<>();

	private final Map<String, Counter> shed = new ConcurrentHashMap<>();

	private final Map<String, Counter> authFailures = new ConcurrentHashMap<>();

	private final Map<String, Counter> rateLimited = new ConcurrentHashMap<>();

	private final Counter resumeRequired;

	private final DistributionSummary queueBytes;

	/**
	 * Register the meters in a registry.
	 * @param registry the registry
	 * @param streams the channel streams (the gauges of retained bytes and streams)
	 * @param maxQueuedBytes the bound of an outbound queue (the top of the queue bytes'
	 * histogram)
	 */
	public MicrometerPushMetrics(MeterRegistry registry, ChannelStreamStore streams, long maxQueuedBytes) {
		this.registry = registry;
		this.resumeRequired = Counter.builder("pushwire.replay.resume_required")
			.description("Subscriptions that could not resume from the cursor asked for")
			.register(registry);
		this.queueBytes = DistributionSummary.builder("pushwire.queue.bytes")
			.description("Bytes waiting in a connection's outbound queue, sampled at one drain in 64")
			.baseUnit("bytes")
			.publishPercentileHistogram()
			.minimumExpectedValue(1.0)
			.maximumExpectedValue((double) Math.max(2, maxQueuedBytes))
			.register(registry);
		Gauge.builder("pushwire.streams.retained.bytes", streams, ChannelStreamStore::retainedBytes)
			.description("Bytes of frames the channel streams retain for replay")
			.baseUnit("bytes")
			.register(registry);
		Gauge.builder("pushwire.streams.active", streams, ChannelStreamStore::size)
			.description("Channel streams held")
			.register(registry);
		// The transports there are, so that their gauges show 0 before the first
		// connection.
		activeConnections("websocket");
		activeConnections("sse");
	}

	private AtomicLong activeConnections(String transport) {
		return this.active.computeIfAbsent(transport, (name) -> {
			AtomicLong count = new AtomicLong();
			Gauge.builder("pushwire.connections.active", count, AtomicLong::get)
				.description("Open connections")
				.tag("transport", name)
				.register(this.registry);
			return count;
		});
	}

	@Override
	public ChannelMeters channel(String kind, String transport) {
		return this.channels.computeIfAbsent(kind, (name) -> new ConcurrentHashMap<>())
			.computeIfAbsent(transport, (name) -> new MicrometerChannelMeters(this.registry, kind, name));
	}

	@Override
	public void connectionOpened(String transport) {
		activeConnections(transport).incrementAndGet();
	}

	@Override
	public void connectionClosed(String transport, CloseReason reason, long lifetimeNanos) {
		activeConnections(transport).decrementAndGet();
		Timer[] timers = this.lifetimes.computeIfAbsent(transport, (name) -> new Timer[CloseReason.values().length]);
		Timer timer = timers[reason.ordinal()];
		if (timer == null) {
			// A benign race: two threads register the same timer, and the registry
			// returns one.
			timer = Timer.builder("pushwire.connections")
				.description("Connection lifetimes, by how they closed")
				.tag("transport", transport)
				.tag("reason", reason.reason())
				.register(this.registry);
			timers[reason.ordinal()] = timer;
		}
		timer.record(lifetimeNanos, TimeUnit.NANOSECONDS);
	}

	@Override
	public void slow(String transport) {
		counter(this.slow, transport,
				(name) -> Counter.builder("pushwire.slow")
					.description("Slow notices sent to clients whose outbound queue passed half full")
					.tag("transport", name))
			.increment();
	}

	@Override
	public void shed(String transport) {
		counter(this.shed, transport,
				(name) -> Counter.builder("pushwire.shed")
					.description("Connections shed as slow consumers (4008)")
					.tag("transport", name))
			.increment();
	}

	@Override
	public void resumeRequired() {
		this.resumeRequired.increment();
	}

	@Override
	public void queueBytes(long bytes) {
		this.queueBytes.record(bytes);
	}

	@Override
	public void authFailure(String reason) {
		counter(this.authFailures, reason,
				(name) -> Counter.builder("pushwire.auth.failures")
					.description("Handshakes refused: failed authentication or a forbidden client id")
					.tag("reason", name.toLowerCase(Locale.ROOT)))
			.increment();
	}

	@Override
	public void rateLimited(String limit) {
		counter(this.rateLimited, limit,
				(name) -> Counter.builder("pushwire.rate_limited")
					.description("Requests refused past a limit")
					.tag("limit", name))
			.increment();
	}

	private Counter counter(Map<String, Counter> counters, String key, Function<String, Counter.Builder> builder) {
		Counter counter = counters.get(key);
		if (counter == null) {
			counter = counters.computeIfAbsent(key, (name) -> builder.apply(name).register(this.registry));
		}
		return counter;
	}

	/**
	 * The counters of one kind and transport, each registered on first use (the
	 * application's own publications, tagged {@code server}, are never delivered or
	 * received).
	 */
	private static final class MicrometerChannelMeters implements ChannelMeters {

		private final MeterRegistry registry;

		private final String kind;

		private final String transport;

		private volatile @Nullable Counter published;

		private volatile @Nullable Counter delivered;

		private volatile @Nullable Counter received;

		private volatile @Nullable Counter replayed;

		MicrometerChannelMeters(MeterRegistry registry, String kind, String transport) {
			this.registry = registry;
			this.kind = kind;
			this.transport = transport;
		}

		private Counter counter(String name, String description) {
			// Registering twice in a race returns the same counter.
			return Counter.builder(name)
				.description(description)
				.tag("kind", this.kind)
				.tag("transport", this.transport)
				.register(this.registry);
		}

		@Override
		public void published(int count) {
			Counter counter = this.published;
			if (counter == null) {
				counter = counter("pushwire.messages.published", "Messages published");
				this.published = counter;
			}
			counter.increment(count);
		}

		@Override
		public void delivered(int count) {
			Counter counter = this.delivered;
			if (counter == null) {
				counter = counter("pushwire.messages.delivered", "Live messages queued for clients");
				this.delivered = counter;
			}
			counter.increment(count);
		}

		@Override
		public void received() {
			Counter counter = this.received;
			if (counter == null) {
				counter = counter("pushwire.messages.received", "Frames clients sent");
				this.received = counter;
			}
			counter.increment();
		}

		@Override
		public void replayed(int count) {
			Counter counter = this.replayed;
			if (counter == null) {
				counter = counter("pushwire.replay.frames", "Frames replayed to clients resuming");
				this.replayed = counter;
			}
			counter.increment(count);
		}

	}

}

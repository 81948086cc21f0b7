package io.pushwire.bench.jmh;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.autoconfigure.metrics.MicrometerPushMetrics;
import io.pushwire.core.CloseReason;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.SystemOp;
import io.pushwire.server.PublishResult;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.Acknowledgements;
import io.pushwire.server.connection.ChannelPublisher;
import io.pushwire.server.connection.ClientAuthenticator;
import io.pushwire.server.connection.ClientChannels;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.ConnectionTransport;
import io.pushwire.server.connection.Delivery;
import io.pushwire.server.connection.FrameDispatcher;
import io.pushwire.server.connection.HeartbeatMonitor;
import io.pushwire.server.connection.InMemorySessionRegistry;
import io.pushwire.server.connection.OutboundQueue;
import io.pushwire.server.connection.PresenceRegistry;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.connection.ServerLimits;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.observation.PushMetrics;
import io.pushwire.server.stream.InMemoryChannelStreamStore;

/**
 * What meters cost per delivery, on the real delivery path: one publish through
 * {@link ChannelPublisher} to a channel with {@code subscribers} real connections (built
 * by a {@link ConnectionFactory} as the auto-configuration builds it, each authenticated
 * and subscribed), the stream's fan-out to every {@code ChannelSubscription}, its
 * {@link OutboundQueue} and a writer that takes each delivery's bytes. The same code runs
 * with {@code meters} {@code off} ({@link PushMetrics#NONE}, as without a
 * {@code MeterRegistry}), {@code prometheus} ({@link MicrometerPushMetrics} on a
 * {@link PrometheusMeterRegistry}, as an application exposing Prometheus) and
 * {@code simple} (a {@link SimpleMeterRegistry}). What is recorded per publish: one
 * {@code pushwire.messages.published} increment, per connection one
 * {@code pushwire.messages.delivered} increment of the batch's size and one
 * {@code pushwire.queue.bytes} sample at its drain.
 * <p>
 * Listeners have no executor here, so the fan-out runs on the benchmark's thread (one
 * event loop's share of a publish, without the hand-off, whose cost meters do not
 * change). The time per delivery is the score divided by {@code subscribers}; the
 * overhead of meters is {@code (prometheus - off) / off}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = { "-Xms1g", "-Xmx1g" })
@State(Scope.Benchmark)
public class DeliveryMetricsBenchmark {

	private static final String CHANNEL = "bench:metrics";

	@Param({ "100", "1000" })
	public int subscribers;

	@Param({ "off", "prometheus", "simple" })
	public String meters;

	private final ProtocolCodec codec = new ProtocolCodec();

	private final List<ClientConnection> connections = new ArrayList<>();

	private InMemoryChannelStreamStore streams;

	private InMemorySessionRegistry sessions;

	private HeartbeatMonitor heartbeats;

	private ChannelPublisher publisher;

	private MeterRegistry registry;

	private PushMetrics metrics;

	private PushMetrics.ChannelMeters channelMeters;

	private long sample;

	private JsonNode payload;

	private Blackhole blackhole;

	@Setup(Level.Trial)
	public void setUp(Blackhole blackhole) {
		this.blackhole = blackhole;
		this.payload = this.codec.mapper().readTree("{\"seq\":1,\"t\":1764085000123456,\"pad\":\"x\"}");
		PushServerSettings settings = PushServerSettings.defaults();
		ServerLimits limits = new ServerLimits(10, 1_000_000, 1000, 1000, 200);
		ChannelRegistry channels = new ChannelRegistry(List.of(ChannelKind.builder("bench").historySize(1024).build()));
		this.streams = new InMemoryChannelStreamStore();
		this.sessions = new InMemorySessionRegistry(settings.sessionTtl());
		this.heartbeats = new HeartbeatMonitor(settings.heartbeat(), settings.heartbeatGrace());
		this.publisher = new ChannelPublisher(channels, this.streams, this.codec, JsonMapper.builder().build());
		ClientChannels clientChannels = new ClientChannels(channels, limits);
		ChannelAuthorizer authorizer = ChannelAuthorizer.declarative();
		ConnectionFactory factory = new ConnectionFactory(settings, limits, this.codec, clientChannels, authorizer,
				this.streams, this.sessions, new PresenceRegistry(this.codec), this.heartbeats,
				new ConnectionAdmission(limits), new ClientAuthenticator((request) -> Mono.empty(), false),
				new Acknowledgements(this.streams, this.sessions),
				new FrameDispatcher(clientChannels, authorizer, new ChannelHandlerRegistry(), this.publisher));
		this.metrics = metrics(settings);
		this.channelMeters = this.metrics.channel("bench", "websocket");
		factory.setMetrics(this.metrics);
		this.publisher.setMetrics(this.metrics);
		for (int i = 0; i < this.subscribers; i++) {
			this.connections.add(subscribed(factory, "user-" + i));
		}
		// The first publish registers the counters, outside the measurement.
		publish();
	}

	private PushMetrics metrics(PushServerSettings settings) {
		this.registry = switch (this.meters) {
			case "off" -> null;
			case "prometheus" -> new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
			case "simple" -> new SimpleMeterRegistry();
			default -> throw new IllegalArgumentException("meters must be off, prometheus or simple: " + this.meters);
		};
		return (this.registry != null)
				? new MicrometerPushMetrics(this.registry, this.streams, settings.maxQueuedBytes()) : PushMetrics.NONE;
	}

	private ClientConnection subscribed(ConnectionFactory factory, String user) {
		BlackholeTransport transport = new BlackholeTransport();
		ClientConnection connection = factory.create(transport);
		connection.writeTo(transport);
		String clientId = UUID.randomUUID().toString();
		Principal principal = () -> user;
		connection.start(clientId, new SystemOp.Auth(clientId, null, List.of(), Map.of(), Map.of(), null), principal)
			.block();
		connection.handle(new SystemOp.Subscribe(List.of(CHANNEL), Map.of(), Map.of())).block();
		if (!connection.isSubscribed(CHANNEL)) {
			throw new IllegalStateException("The connection of " + user + " did not subscribe");
		}
		return connection;
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		if (this.registry != null) {
			double delivered = this.registry.get("pushwire.messages.delivered").counter().count();
			if (delivered < this.subscribers) {
				throw new IllegalStateException("Meters on, but only " + delivered + " deliveries were counted");
			}
			this.registry.close();
		}
		this.connections.forEach((connection) -> connection.close(CloseReason.SHUTDOWN));
		this.heartbeats.dispose();
		this.sessions.dispose();
		this.streams.dispose();
	}

	/**
	 * One publish, delivered to every subscriber.
	 * @return where it was stored
	 */
	@Benchmark
	public PublishResult publish() {
		return this.publisher.publish(CHANNEL, this.payload, null).block();
	}

	/**
	 * What a connection records when a drain starts: one sample of its queued bytes.
	 */
	@Benchmark
	public void recordQueueBytes() {
		this.metrics.queueBytes((this.sample++ & 1023) + 100);
	}

	/**
	 * What a subscription records per batch: the batch's size added to its kind's
	 * delivered counter.
	 */
	@Benchmark
	public void countDelivered() {
		this.channelMeters.delivered(1);
	}

	/**
	 * A connection's transport and writer: always ready, each delivery's bytes to the
	 * black hole.
	 */
	private final class BlackholeTransport implements ConnectionTransport, OutboundQueue.Writer {

		@Override
		public String name() {
			return "websocket";
		}

		@Override
		public void heartbeat(ClientConnection connection) {
		}

		@Override
		public void abort(CloseReason reason) {
		}

		@Override
		public boolean ready() {
			return true;
		}

		@Override
		public void write(Delivery delivery) {
			DeliveryMetricsBenchmark.this.blackhole.consume(delivery.bytes());
		}

		@Override
		public void flush() {
		}

		@Override
		public void complete() {
		}

	}

}

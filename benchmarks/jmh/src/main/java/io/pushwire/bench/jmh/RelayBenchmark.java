package io.pushwire.bench.jmh;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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

import io.pushwire.core.CloseReason;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.SystemOp;
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
import io.pushwire.server.rtc.PeerPolicy;
import io.pushwire.server.rtc.RtcExchange;
import io.pushwire.server.rtc.RtcSettings;
import io.pushwire.server.stream.InMemoryChannelStreamStore;

/**
 * The relay path (PROTOCOL.md §10.5) on one thread: a {@code relay} op from one peer of a
 * room, through {@link RtcExchange} (checks, the sender's token bucket, wrapping,
 * encoding once) into the target connection's outbound queue and its writer, whose bytes
 * a blackhole takes. The bucket is large enough never to refuse, so the figure is the
 * path's cost; relayed MB/s is {@code payloadBytes / (ns per op)}, and, on one thread,
 * CPU per relayed MB is its inverse.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RelayBenchmark {

	private static final String ROOM = "rtc:bench";

	@Param({ "1024", "16384" })
	public int payloadBytes;

	private InMemorySessionRegistry sessions;

	private InMemoryChannelStreamStore streams;

	private HeartbeatMonitor heartbeats;

	private RtcExchange exchange;

	private ClientConnection alice;

	private SystemOp.Relay relay;

	@Setup
	public void setUp(Blackhole blackhole) {
		ProtocolCodec codec = new ProtocolCodec();
		PushServerSettings settings = new PushServerSettings(Duration.ofMinutes(5), Duration.ofMinutes(5),
				Duration.ofSeconds(10), 1 << 20, Duration.ofMinutes(5), 64L << 20, Duration.ofSeconds(30), 0, 256,
				10_000, false, PushServerSettings.BASE_FEATURES);
		ServerLimits limits = ServerLimits.defaults();
		ChannelRegistry channels = new ChannelRegistry(List.of(ChannelKind.builder("rtc").build()));
		this.streams = new InMemoryChannelStreamStore();
		this.sessions = new InMemorySessionRegistry(Duration.ofMinutes(5));
		PresenceRegistry presence = new PresenceRegistry(codec);
		ClientChannels clientChannels = new ClientChannels(channels, limits);
		this.heartbeats = new HeartbeatMonitor(settings.heartbeat(), settings.heartbeatGrace());
		RtcSettings rtc = new RtcSettings(3, Duration.ofSeconds(30), Duration.ofMinutes(5), Long.MAX_VALUE / 4,
				Long.MAX_VALUE / 4, 64, null, Duration.ofHours(1), null, List.of());
		this.exchange = new RtcExchange(rtc, clientChannels, this.sessions, presence, codec, PeerPolicy.sameRoom());
		ConnectionFactory factory = new ConnectionFactory(settings, limits, codec, clientChannels,
				ChannelAuthorizer.declarative(), this.streams, this.sessions, presence, this.heartbeats,
				new ConnectionAdmission(limits), new ClientAuthenticator((request) -> Mono.empty(), false),
				new Acknowledgements(this.streams, this.sessions),
				new FrameDispatcher(clientChannels, ChannelAuthorizer.declarative(), new ChannelHandlerRegistry(),
						new ChannelPublisher(channels, this.streams, codec, JsonMapper.builder().build())),
				this.exchange);
		this.alice = start(factory, "alice", blackhole);
		ClientConnection bob = start(factory, "bob", blackhole);
		JsonNode payload = codec.mapper().valueToTree(Map.of("d", "x".repeat(this.payloadBytes - 8)));
		this.relay = new SystemOp.Relay(bob.session().clientId(), ROOM, payload);
	}

	private static ClientConnection start(ConnectionFactory factory, String user, Blackhole blackhole) {
		Sink sink = new Sink(blackhole);
		ClientConnection connection = factory.create(sink);
		connection.writeTo(sink);
		String clientId = UUID.randomUUID().toString();
		Principal principal = () -> user;
		connection
			.start(clientId, new SystemOp.Auth(clientId, null, List.of(ROOM), Map.of(), Map.of(), null), principal)
			.block(Duration.ofSeconds(10));
		return connection;
	}

	@TearDown
	public void tearDown() {
		this.heartbeats.dispose();
		this.sessions.dispose();
		this.streams.dispose();
	}

	@Benchmark
	public void relay() {
		this.exchange.relay(this.alice, this.relay).block();
	}

	/**
	 * A WebSocket-like transport whose writer is always ready and consumes every byte.
	 */
	static final class Sink implements ConnectionTransport, OutboundQueue.Writer {

		private final Blackhole blackhole;

		Sink(Blackhole blackhole) {
			this.blackhole = blackhole;
		}

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
			this.blackhole.consume(delivery.bytes());
		}

		@Override
		public void flush() {
		}

		@Override
		public void complete() {
		}

	}

}

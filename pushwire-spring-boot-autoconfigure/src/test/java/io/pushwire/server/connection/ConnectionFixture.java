package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.CloseReason;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.stream.InMemoryChannelStreamStore;

/**
 * A node with in-memory streams and sessions, and connections whose queue writes on the
 * calling thread into a list, for the tests of a connection's parts. Heartbeats are long
 * enough that the node's own monitor never ticks during a test.
 */
final class ConnectionFixture implements AutoCloseable {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration HEARTBEAT = Duration.ofSeconds(100);

	final ProtocolCodec codec = new ProtocolCodec();

	final InMemoryChannelStreamStore streams = new InMemoryChannelStreamStore();

	final InMemorySessionRegistry sessions = new InMemorySessionRegistry(Duration.ofMinutes(5));

	final TestNode node;

	ConnectionFixture(ServerLimits limits) {
		this.node = new TestNode(new PushServerSettings(HEARTBEAT, HEARTBEAT.multipliedBy(4), Duration.ofSeconds(10),
				64 * 1024, Duration.ofMinutes(5), 1024
						* 1024,
				Duration.ofSeconds(30), 0, 256, 10_000, false, PushServerSettings.BASE_FEATURES), limits,
				new ChannelRegistry(List.of(ChannelKind.builder("chat").build(),
						ChannelKind.builder("room").presence(true).joinLeave(true).build())),
				this.streams, this.sessions, (request) -> Mono.empty(), ChannelAuthorizer.declarative(),
				new ChannelHandlerRegistry(), this.codec, JsonMapper.builder().build());
	}

	ConnectionFixture() {
		this(new ServerLimits(1000, 1000, 1000, 1000, 200));
	}

	/** A connection that has not started. */
	Recorded connection() {
		Recorded recorded = new Recorded();
		recorded.connection = this.node.connection(recorded);
		recorded.connection.writeTo(recorded);
		return recorded;
	}

	/** A connection whose {@code auth_ok} is queued. */
	Recorded started(String user, List<String> capabilities) {
		Recorded recorded = connection();
		String clientId = UUID.randomUUID().toString();
		Principal principal = () -> user;
		StepVerifier
			.create(recorded.connection.start(clientId,
					new SystemOp.Auth(clientId, null, capabilities, Map.of(), Map.of(), null), principal))
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		return recorded;
	}

	@Override
	public void close() {
		this.node.dispose();
		this.sessions.dispose();
		this.streams.dispose();
	}

	/**
	 * A connection's transport and writer: records what is written and the transport's
	 * calls.
	 */
	final class Recorded implements ConnectionTransport, OutboundQueue.Writer {

		ClientConnection connection;

		final List<PushMessage> written = new ArrayList<>();

		final List<CloseReason> aborts = new ArrayList<>();

		int heartbeats;

		boolean completed;

		@Override
		public String name() {
			return "test";
		}

		@Override
		public void heartbeat(ClientConnection connection) {
			this.heartbeats++;
		}

		@Override
		public void abort(CloseReason reason) {
			this.aborts.add(reason);
		}

		@Override
		public boolean ready() {
			return true;
		}

		@Override
		public void write(Delivery delivery) {
			this.written.add(ConnectionFixture.this.codec.decode(new String(delivery.bytes())));
		}

		@Override
		public void flush() {
		}

		@Override
		public void complete() {
			this.completed = true;
		}

		/**
		 * What was written: op types, {@code error:<code>} for errors,
		 * {@code channel#cursor} for frames.
		 */
		List<String> labels() {
			List<String> labels = new ArrayList<>();
			for (PushMessage message : this.written) {
				if (message instanceof Frame frame) {
					labels.add(frame.channel() + "#" + frame.cursor());
				}
				else if (message instanceof SystemOp.Error error) {
					labels.add("error:" + error.code());
				}
				else {
					labels.add(((SystemOp) message).type());
				}
			}
			return labels;
		}

		<T extends SystemOp> T last(Class<T> type) {
			for (int i = this.written.size() - 1; i >= 0; i--) {
				if (type.isInstance(this.written.get(i))) {
					return type.cast(this.written.get(i));
				}
			}
			throw new AssertionError("No " + type.getSimpleName() + " written: " + labels());
		}

	}

}

package io.pushwire.server.connection;

import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.SystemOp;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.observation.HandshakeObservationConvention;
import io.pushwire.server.observation.PushMetrics;
import io.pushwire.server.stream.ChannelStreamStore;

/**
 * Creates the {@link ClientConnection}s of a node, each with the node-wide parts it works
 * with: the settings, the codec, the sessions, admission and authentication, the
 * heartbeat monitor, the subscriber, the op dispatcher and the inbound limiter. Those
 * parts are made once here and shared, so that a connection holds one reference to them
 * rather than a field each (idle connections are counted by the ten thousand).
 *
 * @since 0.1.0
 */
public final class ConnectionFactory {

	private final PushServerSettings settings;

	private final ProtocolCodec codec;

	private final SessionRegistry sessions;

	private final HeartbeatMonitor heartbeats;

	private final ConnectionAdmission admission;

	private final ClientAuthenticator authenticator;

	private final ChannelSubscriber subscriber;

	private final OpDispatcher ops;

	private final InboundLimiter inbound;

	private final ConnectionHandshake handshake;

	private volatile Scheduler timers = Schedulers.parallel();

	private volatile PushMetrics metrics = PushMetrics.NONE;

	/**
	 * Create the factory of a node's connections.
	 * @param settings limits and timings
	 * @param limits limits against abuse
	 * @param codec the protocol codec
	 * @param channels resolves the channels clients name
	 * @param authorizer authorizes channels
	 * @param streams the channel streams
	 * @param sessions the sessions
	 * @param presence the presence memberships
	 * @param heartbeats the heartbeat timer of every connection
	 * @param admission admits new connections and counts them per principal
	 * @param authenticator authenticates clients
	 * @param acknowledgements records acks
	 * @param frames takes client frames to their handlers
	 */
	public ConnectionFactory(PushServerSettings settings, ServerLimits limits, ProtocolCodec codec,
			ClientChannels channels, ChannelAuthorizer authorizer, ChannelStreamStore streams, SessionRegistry sessions,
			PresenceRegistry presence, HeartbeatMonitor heartbeats, ConnectionAdmission admission,
			ClientAuthenticator authenticator, Acknowledgements acknowledgements, FrameDispatcher frames) {
		this(settings, limits, codec, channels, authorizer, streams, sessions, presence, heartbeats, admission,
				authenticator, acknowledgements, frames, null);
	}

	/**
	 * Create the factory of a node's connections whose clients may exchange with their
	 * peers (PROTOCOL.md §10).
	 * @param settings limits and timings
	 * @param limits limits against abuse
	 * @param codec the protocol codec
	 * @param channels resolves the channels clients name
	 * @param authorizer authorizes channels
	 * @param streams the channel streams
	 * @param sessions the sessions
	 * @param presence the presence memberships
	 * @param heartbeats the heartbeat timer of every connection
	 * @param admission admits new connections and counts them per principal
	 * @param authenticator authenticates clients
	 * @param acknowledgements records acks
	 * @param frames takes client frames to their handlers
	 * @param peers takes signaling and relays, or {@code null} when the server routes
	 * none
	 */
	public ConnectionFactory(PushServerSettings settings, ServerLimits limits, ProtocolCodec codec,
			ClientChannels channels, ChannelAuthorizer authorizer, ChannelStreamStore streams, SessionRegistry sessions,
			PresenceRegistry presence, HeartbeatMonitor heartbeats, ConnectionAdmission admission,
			ClientAuthenticator authenticator, Acknowledgements acknowledgements, FrameDispatcher frames,
			@Nullable PeerExchange peers) {
		this.settings = settings;
		this.codec = codec;
		this.sessions = sessions;
		this.heartbeats = heartbeats;
		this.admission = admission;
		this.authenticator = authenticator;
		this.subscriber = new ChannelSubscriber(channels, authorizer, streams, presence, settings.maxSubscriptions(),
				codec);
		OpDispatcher.Builder ops = OpDispatcher.protocol(frames, this.subscriber, acknowledgements,
				new PresenceQuery(channels, authorizer, presence, settings.maxQueuedBytes()),
				new CredentialRefresh(authenticator, channels, authorizer, this.subscriber),
				java.util.Set.copyOf(settings.features()));
		if (peers != null) {
			ops.on(Frame.class,
					(connection, frame) -> PeerExchange.isRoom(frame.channel()) ? peers.signal(connection, frame)
							: frames.dispatch(frame, connection.requirePrincipal(), connection.requireSession()))
				.on(SystemOp.Relay.class, peers::relay);
		}
		this.ops = ops.build();
		this.inbound = new InboundLimiter(limits);
		this.handshake = new ConnectionHandshake(authenticator, admission, sessions, this.subscriber, settings);
	}

	/**
	 * Create a connection.
	 * @param transport the transport that carries it
	 * @return the connection
	 */
	public ClientConnection create(ConnectionTransport transport) {
		return new ClientConnection(this, transport);
	}

	/**
	 * Arm connections' timers (the expiry of their credentials) on another scheduler from
	 * now on (timers already armed stay where they are): a {@code VirtualTimeScheduler}
	 * in tests. Its clock, {@link Scheduler#now}, is the wall clock that expiries are
	 * compared with.
	 * @param timers the scheduler, {@link Schedulers#parallel()} unless replaced
	 */
	public void setTimers(Scheduler timers) {
		this.timers = timers;
	}

	/**
	 * Record into these metrics from now on (connections opened before keep recording
	 * into the old ones where they resolved them: a subscription's channel meters).
	 * @param metrics the metrics, {@link PushMetrics#NONE} unless replaced
	 */
	public void setMetrics(PushMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Observe handshakes ({@code pushwire.handshake}) in this registry.
	 * @param registry the registry, {@link ObservationRegistry#NOOP} unless replaced
	 * @param convention the application's convention, or {@code null} for the default
	 */
	public void setObservationRegistry(ObservationRegistry registry,
			@Nullable HandshakeObservationConvention convention) {
		this.handshake.observeIn(registry, convention);
	}

	PushMetrics metrics() {
		return this.metrics;
	}

	Scheduler timers() {
		return this.timers;
	}

	PushServerSettings settings() {
		return this.settings;
	}

	ProtocolCodec codec() {
		return this.codec;
	}

	SessionRegistry sessions() {
		return this.sessions;
	}

	HeartbeatMonitor heartbeats() {
		return this.heartbeats;
	}

	ConnectionAdmission admission() {
		return this.admission;
	}

	ClientAuthenticator authenticator() {
		return this.authenticator;
	}

	ChannelSubscriber subscriber() {
		return this.subscriber;
	}

	OpDispatcher ops() {
		return this.ops;
	}

	InboundLimiter inbound() {
		return this.inbound;
	}

	ConnectionHandshake handshake() {
		return this.handshake;
	}

}

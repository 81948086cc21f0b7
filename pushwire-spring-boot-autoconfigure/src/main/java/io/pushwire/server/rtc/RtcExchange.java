package io.pushwire.server.rtc;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.SystemOp;
import io.pushwire.server.PeerRouteMode;
import io.pushwire.server.channel.ChannelRegistry.ResolvedChannel;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.connection.ClientChannels;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.PeerExchange;
import io.pushwire.server.connection.PresenceRegistry;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.connection.TokenBucket;

/**
 * The peers of WebRTC rooms (PROTOCOL.md §10): routes signaling frames on {@code rtc}
 * channels to the one peer they address as transient frames, answers discovery and TURN
 * requests, keeps the pairs' routes and forwards {@code relay} ops under each sender's
 * token bucket. The peers of a room are the WebSocket connections subscribed to it, as
 * the {@link PresenceRegistry} records them; the state kept per member (candidates
 * forwarded, routes, buckets) is dropped when the member leaves. Internal API.
 *
 * @since 0.1.0
 */
public final class RtcExchange implements PeerExchange {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final RtcSettings settings;

	private final ClientChannels channels;

	private final SessionRegistry sessions;

	private final PresenceRegistry presence;

	private final ProtocolCodec codec;

	private final PeerPolicy policy;

	private final CandidateMemory candidates;

	private final PeerRoutes routes;

	private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

	private final RelayStatistics statistics = new RelayStatistics();

	private volatile Scheduler timers = Schedulers.parallel();

	/**
	 * Create the exchange and register it for the leaves of room members.
	 * @param settings the settings
	 * @param channels resolves the channels clients name
	 * @param sessions the sessions (a client's current connection)
	 * @param presence the members of rooms
	 * @param codec encodes the frames delivered
	 * @param policy who may signal whom
	 */
	public RtcExchange(RtcSettings settings, ClientChannels channels, SessionRegistry sessions,
			PresenceRegistry presence, ProtocolCodec codec, PeerPolicy policy) {
		this.settings = settings;
		this.channels = channels;
		this.sessions = sessions;
		this.presence = presence;
		this.codec = codec;
		this.policy = policy;
		this.candidates = new CandidateMemory(settings.maxCandidatesPerPair());
		this.routes = new PeerRoutes(settings, sessions);
		presence.addLeaveListener(this::left);
	}

	/**
	 * Run the backoff timers and read the time (TURN expiry, bucket refill) on another
	 * scheduler from now on: a {@code VirtualTimeScheduler} in tests.
	 * @param timers the scheduler, {@link Schedulers#parallel()} unless replaced
	 */
	public void setTimers(Scheduler timers) {
		this.timers = timers;
		this.routes.setTimers(timers);
	}

	/**
	 * The relay's counts.
	 * @return the statistics, updated live
	 */
	public RelayStatistics statistics() {
		return this.statistics;
	}

	@Override
	public Mono<Void> signal(ClientConnection connection, Frame frame) {
		return Mono.fromRunnable(() -> {
			String channel = frame.channel();
			ResolvedChannel resolved = this.channels.resolve(channel);
			RtcMessage message = RtcMessage.parse(frame.payload(), channel);
			Member sender = member(connection);
			if (!connection.isSubscribed(channel)) {
				throw new ProtocolException(ErrorCode.FORBIDDEN,
						"Subscribe to " + channel + " before signaling its peers", channel);
			}
			Priority priority = resolved.kind().priority();
			if (message instanceof RtcMessage.PeerDiscovery discovery) {
				discover(connection, sender, resolved, discovery, priority);
			}
			else if (message instanceof RtcMessage.TurnRequest) {
				turn(connection, sender, channel, priority);
			}
			else if (message instanceof RtcMessage.Targeted targeted) {
				forward(sender, channel, targeted, (ObjectNode) frame.payload(), priority);
			}
		});
	}

	private void forward(Member sender, String channel, RtcMessage.Targeted message, ObjectNode payload,
			Priority priority) {
		ClientConnection target = peer(channel, sender, message.to());
		ObjectNode forwarded = payload.deepCopy();
		if (message instanceof RtcMessage.Candidate candidate) {
			if (this.candidates.fresh(channel, sender.clientId(), message.to(), List.of(candidate.candidate()))
				.isEmpty()) {
				return;
			}
		}
		else if (message instanceof RtcMessage.CandidateBatch batch) {
			List<String> fresh = this.candidates.fresh(channel, sender.clientId(), message.to(), batch.candidates());
			if (fresh.isEmpty()) {
				return;
			}
			ArrayNode kept = forwarded.putArray("candidates");
			fresh.forEach(kept::add);
		}
		forwarded.put("from", sender.clientId());
		deliver(target, channel, forwarded, sender.clientId(), priority);
		if (message instanceof RtcMessage.Status status) {
			this.routes.status(channel, sender.clientId(), message.to(), status.status());
		}
	}

	private void discover(ClientConnection connection, Member sender, ResolvedChannel resolved,
			RtcMessage.PeerDiscovery discovery, Priority priority) {
		String channel = resolved.name().toString();
		String topic = resolved.name().topic();
		if (discovery.room() != null && !discovery.room().equals(topic)) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'room' must be the channel's topic ("
					+ ((topic != null) ? topic : "none") + "), not '" + discovery.room() + "'", channel);
		}
		ObjectNode list = NODES.objectNode().put("type", "peer_list");
		ArrayNode peers = list.putArray("peers");
		for (SystemOp.PresenceEntry entry : this.presence.members(channel)) {
			ClientConnection peer = peerConnection(channel, entry.clientId());
			if (peer != null && !entry.clientId().equals(sender.clientId()) && this.policy.allows(channel,
					sender.peer(), new PeerPolicy.Peer(entry.clientId(), peer.principal()))) {
				peers.add(entry.clientId());
			}
		}
		deliver(connection, channel, list, null, priority);
	}

	private void turn(ClientConnection connection, Member sender, String channel, Priority priority) {
		String secret = this.settings.turnSecret();
		if (secret == null) {
			throw new ProtocolException(ErrorCode.NO_HANDLER,
					"This server issues no TURN credentials (pushwire.server.rtc.turn.secret is not set)", channel);
		}
		TurnCredentials credentials = TurnCredentials.issue(secret, sender.peer().principal().getName(),
				this.timers.now(TimeUnit.SECONDS), this.settings.turnTtl().getSeconds(), this.settings.turnServer());
		ObjectNode answer = NODES.objectNode()
			.put("type", "turn_credentials")
			.put("username", credentials.username())
			.put("credential", credentials.credential())
			.put("ttl_seconds", credentials.ttlSeconds());
		String server = (credentials.server() != null) ? credentials.server()
				: (this.settings.turnUrls().isEmpty() ? null : this.settings.turnUrls().get(0));
		if (server != null) {
			answer.put("server", server);
		}
		if (!this.settings.turnUrls().isEmpty()) {
			ArrayNode urls = answer.putArray("urls");
			this.settings.turnUrls().forEach(urls::add);
		}
		deliver(connection, channel, answer, null, priority);
	}

	@Override
	public Mono<Void> relay(ClientConnection connection, SystemOp.Relay relay) {
		return Mono.fromRunnable(() -> {
			String channel = relay.channel();
			if (!isUuid(relay.to()) || !ChannelName.isValid(channel) || relay.payload() == null
					|| relay.payload().isNull() || relay.payload().isMissingNode()) {
				throw new ProtocolException(ErrorCode.BAD_MESSAGE,
						"A relay needs 'to' (a client id), 'channel' (an rtc room) and a 'payload' that is not null",
						ChannelName.isValid(channel) ? channel : null);
			}
			ResolvedChannel resolved = this.channels.resolve(channel);
			if (!ROOM_KIND.equals(resolved.kind().name())) {
				throw new ProtocolException(ErrorCode.FORBIDDEN,
						"Relays go through rtc rooms only, not " + resolved.kind().name() + " channels", channel);
			}
			Member sender = member(connection);
			if (!connection.isSubscribed(channel)) {
				throw new ProtocolException(ErrorCode.FORBIDDEN,
						"Subscribe to " + channel + " before relaying to its peers", channel);
			}
			ClientConnection target = peer(channel, sender, relay.to());
			byte[] json = relay.payload().toString().getBytes(StandardCharsets.UTF_8);
			TokenBucket bucket = this.buckets.computeIfAbsent(sender.clientId(),
					(id) -> new TokenBucket(this.settings.relayBytesPerSecond(), this.settings.relayBurstBytes(),
							this.timers.now(TimeUnit.NANOSECONDS)));
			if (!bucket.tryAcquire(json.length, this.timers.now(TimeUnit.NANOSECONDS))) {
				this.statistics.rateLimited(json.length);
				throw new ProtocolException(ErrorCode.RATE_LIMITED,
						"Relay bandwidth exceeded (" + this.settings.relayBytesPerSecond() + " bytes/s, bursts of "
								+ this.settings.relayBurstBytes() + " bytes): this " + json.length
								+ "-byte relay was not forwarded; send it again later",
						channel);
			}
			ObjectNode wrapped = NODES.objectNode().put("type", "relay").put("from", sender.clientId());
			wrapped.set("payload", relay.payload());
			// Counted before it is queued, so that the count includes whatever a peer
			// read.
			this.statistics.relayed(json.length);
			deliver(target, channel, wrapped, sender.clientId(), resolved.kind().priority());
		});
	}

	/**
	 * Switch the route of two peers of a room, for the server API: reason
	 * {@code operator_override}.
	 * @param channel the room
	 * @param clientId one client
	 * @param peerId the other
	 * @param mode the mode
	 * @return {@code true} when it switched
	 * @throws ProtocolException {@code not_connected} when they are not peers of the room
	 */
	public boolean switchRoute(String channel, String clientId, String peerId, PeerRouteMode mode) {
		ResolvedChannel resolved = this.channels.resolve(channel);
		if (!ROOM_KIND.equals(resolved.kind().name()) || clientId.equals(peerId)
				|| peerConnection(channel, clientId) == null || peerConnection(channel, peerId) == null) {
			throw new ProtocolException(ErrorCode.NOT_CONNECTED,
					clientId + " and " + peerId + " are not both connected peers of " + channel, channel);
		}
		return this.routes.switchTo(channel, clientId, peerId, mode, PeerRoutes.OPERATOR_OVERRIDE);
	}

	/**
	 * The route of two clients, if they have one.
	 * @param clientId one client
	 * @param peerId the other
	 * @return its mode, or {@code null}
	 */
	public @Nullable PeerRouteMode routeMode(String clientId, String peerId) {
		PeerRoutes.RouteState state = this.routes.state(clientId, peerId);
		return (state != null) ? state.mode() : null;
	}

	PeerRoutes routes() {
		return this.routes;
	}

	CandidateMemory candidates() {
		return this.candidates;
	}

	int buckets() {
		return this.buckets.size();
	}

	private void left(String channel, String clientId) {
		if (!PeerExchange.isRoom(channel)) {
			return;
		}
		this.candidates.forget(channel, clientId);
		this.routes.left(channel, clientId);
		DefaultPushSession session = this.sessions.local(clientId);
		ClientConnection connection = (session != null) ? session.connection() : null;
		if (connection == null || !connection.isSubscribedToKind(ROOM_KIND)) {
			this.buckets.remove(clientId);
		}
	}

	/**
	 * The connection of another peer of a room that the sender may reach.
	 * @param channel the room
	 * @param sender the sender
	 * @param to the client it addresses
	 * @return the peer's connection
	 * @throws ProtocolException {@code not_connected}, the same whatever the reason
	 */
	private ClientConnection peer(String channel, Member sender, String to) {
		ClientConnection target = to.equals(sender.clientId()) ? null : peerConnection(channel, to);
		if (target == null
				|| !this.policy.allows(channel, sender.peer(), new PeerPolicy.Peer(to, target.principal()))) {
			throw new ProtocolException(ErrorCode.NOT_CONNECTED, "'" + to + "' is not a peer of " + channel
					+ " that you may reach; send peer_discovery for the list", channel);
		}
		return target;
	}

	/**
	 * A client's WebSocket connection subscribed to a room.
	 * @param channel the room
	 * @param clientId the client
	 * @return its connection, or {@code null} when it is no peer of the room
	 */
	private @Nullable ClientConnection peerConnection(String channel, String clientId) {
		DefaultPushSession session = this.sessions.local(clientId);
		ClientConnection connection = (session != null) ? session.connection() : null;
		if (connection == null || connection.principal() == null || !"websocket".equals(connection.transport())
				|| !connection.isSubscribed(channel)) {
			return null;
		}
		return connection;
	}

	private void deliver(ClientConnection target, String channel, JsonNode payload, @Nullable String from,
			Priority priority) {
		target.sendTransient(PreparedMessage.of(this.codec, new Frame(channel, null, payload, from)), priority);
	}

	private static Member member(ClientConnection connection) {
		DefaultPushSession session = connection.session();
		Principal principal = connection.principal();
		if (session == null || principal == null) {
			throw new IllegalStateException("Not authenticated");
		}
		return new Member(new PeerPolicy.Peer(session.clientId(), principal));
	}

	private static boolean isUuid(@Nullable String value) {
		if (value == null || value.length() != 36) {
			return false;
		}
		try {
			UUID.fromString(value);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private record Member(PeerPolicy.Peer peer) {

		String clientId() {
			return this.peer.clientId();
		}

	}

}

package io.pushwire.server.connection;

import io.pushwire.server.PublishResult;
import io.pushwire.server.PushServer;
import io.pushwire.server.channel.ChannelRegistry;
import java.security.Principal;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.security.AnonymousPrincipal;
import io.pushwire.security.AuthRequest;
import io.pushwire.security.AuthValidator;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.StreamPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import reactor.core.Fuseable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of a push server that every transport shares: channels, streams, sessions, security,
 * handlers and the codec. Internal API: applications use {@link PushServer}.
 */
public final class PushEngine {

	private static final Log logger = LogFactory.getLog(PushEngine.class);

	private final PushServerSettings settings;

	private final ChannelRegistry channels;

	private final ChannelStreamStore streams;

	private final SessionRegistry sessions;

	private final AuthValidator authValidator;

	private final ChannelAuthorizer authorizer;

	private final ChannelHandlerRegistry handlers;

	private final ProtocolCodec codec;

	private final JsonMapper payloadMapper;

	private final ServerLimits limits;

	private final TokenBucket newConnections;

	private final Map<String, AtomicInteger> connectionsByPrincipal = new ConcurrentHashMap<>();

	private final HeartbeatMonitor heartbeats;

	private final PresenceRegistry presence;

	private volatile Scheduler timers = Schedulers.parallel();

	/**
	 * Create an engine.
	 * @param settings limits and timings
	 * @param channels the declared channel kinds
	 * @param streams the channel streams
	 * @param sessions the sessions
	 * @param authValidator authenticates clients
	 * @param authorizer authorizes channels
	 * @param handlers handlers of client frames
	 * @param codec the protocol codec
	 * @param payloadMapper the application's mapper, for converting payloads
	 */
	public PushEngine(PushServerSettings settings, ChannelRegistry channels, ChannelStreamStore streams,
			SessionRegistry sessions, AuthValidator authValidator, ChannelAuthorizer authorizer,
			ChannelHandlerRegistry handlers, ProtocolCodec codec, JsonMapper payloadMapper) {
		this(settings, ServerLimits.defaults(), channels, streams, sessions, authValidator, authorizer, handlers, codec,
				payloadMapper);
	}

	/**
	 * Create an engine with limits.
	 * @param settings limits and timings
	 * @param limits limits against abuse
	 * @param channels the declared channel kinds
	 * @param streams the channel streams
	 * @param sessions the sessions
	 * @param authValidator authenticates clients
	 * @param authorizer authorizes channels
	 * @param handlers handlers of client frames
	 * @param codec the protocol codec
	 * @param payloadMapper the application's mapper, for converting payloads
	 */
	public PushEngine(PushServerSettings settings, ServerLimits limits, ChannelRegistry channels,
			ChannelStreamStore streams, SessionRegistry sessions, AuthValidator authValidator,
			ChannelAuthorizer authorizer, ChannelHandlerRegistry handlers, ProtocolCodec codec,
			JsonMapper payloadMapper) {
		this.limits = limits;
		this.heartbeats = new HeartbeatMonitor(settings.heartbeat(), settings.heartbeatGrace());
		this.newConnections = new TokenBucket(limits.maxConnectionsPerSecond(), limits.maxConnectionsPerSecond());
		this.settings = settings;
		this.channels = channels;
		this.streams = streams;
		this.sessions = sessions;
		this.authValidator = authValidator;
		this.authorizer = authorizer;
		this.handlers = handlers;
		this.codec = codec;
		this.payloadMapper = payloadMapper;
		this.presence = new PresenceRegistry(codec);
	}

	public PushServerSettings settings() {
		return this.settings;
	}

	/**
	 * Who is subscribed to the channels of kinds with presence or join-leave (PROTOCOL.md §12).
	 * @return the registry
	 */
	public PresenceRegistry presence() {
		return this.presence;
	}

	/**
	 * The heartbeat timer of every connection.
	 * @return the monitor
	 */
	public HeartbeatMonitor heartbeats() {
		return this.heartbeats;
	}

	/**
	 * The scheduler of per-connection timers (the expiry of a connection's credentials). Its clock,
	 * {@link Scheduler#now}, is the wall clock that expiries are compared with.
	 * @return the scheduler, {@link Schedulers#parallel()} unless replaced
	 */
	public Scheduler timers() {
		return this.timers;
	}

	/**
	 * Arm connections' timers on another scheduler from now on (timers already armed stay where they
	 * are): a {@code VirtualTimeScheduler} in tests.
	 * @param timers the scheduler
	 */
	public void setTimers(Scheduler timers) {
		this.timers = timers;
	}

	/**
	 * Stop the heartbeat timer.
	 */
	public void dispose() {
		this.heartbeats.dispose();
	}

	public ServerLimits limits() {
		return this.limits;
	}

	public ChannelRegistry channels() {
		return this.channels;
	}

	public ChannelStreamStore streams() {
		return this.streams;
	}

	public SessionRegistry sessions() {
		return this.sessions;
	}

	public ChannelAuthorizer authorizer() {
		return this.authorizer;
	}

	public ChannelHandlerRegistry handlers() {
		return this.handlers;
	}

	public ProtocolCodec codec() {
		return this.codec;
	}

	/**
	 * Whether this node accepts one more new connection now ({@code max-connections-per-second}).
	 * Asked only once a client has authenticated, so that refused clients cannot use up the budget.
	 * @return {@code false} when the client should be refused ({@code rate_limited}: WebSocket
	 * {@code error} and close 1008, SSE HTTP 429)
	 */
	public boolean admitNewConnection() {
		return this.newConnections.tryAcquire();
	}

	/**
	 * Count a connection against its principal's limit.
	 * @param principal the principal
	 * @param replacing whether the connection replaces one of the same client id (which is about to
	 * close, so it may pass the limit briefly)
	 * @throws ProtocolException {@code rate_limited} when the principal holds too many connections
	 */
	public void acquireConnectionSlot(Principal principal, boolean replacing) {
		AtomicInteger count = this.connectionsByPrincipal.computeIfAbsent(principal.getName(),
				(name) -> new AtomicInteger());
		int now = count.incrementAndGet();
		if (now > this.limits.maxConnectionsPerPrincipal() && !replacing) {
			releaseConnectionSlot(principal);
			throw new ProtocolException(ErrorCode.RATE_LIMITED, "Too many connections for this principal (at most "
					+ this.limits.maxConnectionsPerPrincipal() + "); close one first");
		}
	}

	/**
	 * Release a slot taken with {@link #acquireConnectionSlot}.
	 * @param principal the principal
	 */
	public void releaseConnectionSlot(Principal principal) {
		this.connectionsByPrincipal.computeIfPresent(principal.getName(),
				(name, count) -> (count.decrementAndGet() <= 0) ? null : count);
	}

	/**
	 * Parse a channel name that a client sent, within {@code max-channel-name-length}, and find its
	 * kind.
	 * @param channel the name
	 * @return the channel and its kind
	 * @throws ProtocolException {@code bad_message} or {@code unknown_channel}
	 */
	public ChannelRegistry.ResolvedChannel resolveFromClient(String channel) {
		if (channel.length() > this.limits.maxChannelNameLength()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Channel names are at most "
					+ this.limits.maxChannelNameLength() + " characters here",
					(channel.length() > 64) ? channel.substring(0, 61) + "..." : channel);
		}
		return this.channels.resolve(channel);
	}

	/**
	 * Authenticate a client; anonymous clients get an {@link AnonymousPrincipal} where allowed.
	 * @param request what the client presented
	 * @param clientId the client's id (names its anonymous principal)
	 * @return the principal
	 * @throws ProtocolException (as an error signal) {@code unauthorized} when authentication fails
	 * or gives a principal without a name
	 */
	public Mono<Principal> authenticate(AuthRequest request, String clientId) {
		return Mono.defer(() -> this.authValidator.authenticate(request))
			.onErrorResume((ex) -> {
				logger.debug("Authentication of a push client failed", ex);
				return Mono.error(unauthorized(request));
			})
			.switchIfEmpty(Mono.defer(() -> {
				if (request.token() == null && this.settings.allowAnonymous()) {
					return Mono.just(AnonymousPrincipal.forClient(clientId));
				}
				return Mono.error(unauthorized(request));
			}))
			.flatMap((principal) -> {
				// Sessions and connection limits are keyed by the name: a principal without one cannot
				// own a session, and refusing it here beats failing later with a NullPointerException.
				String name = principal.getName();
				if (name == null || name.isBlank()) {
					logger.warn("Refusing a push client whose principal has no name (" + principal.getClass().getName()
							+ "); the AuthValidator must return principals with a name");
					return Mono.error(new ProtocolException(ErrorCode.UNAUTHORIZED,
							"The credentials were accepted but name no principal"));
				}
				return Mono.just(principal);
			});
	}

	/**
	 * When a principal's credentials expire (PROTOCOL.md §7.1), as the {@link AuthValidator} reads it.
	 * @param principal an authenticated principal
	 * @return the expiry, or {@code null} when they do not expire (anonymous clients included)
	 */
	public @Nullable Instant credentialsExpiry(Principal principal) {
		if (principal instanceof AnonymousPrincipal) {
			return null;
		}
		return this.authValidator.expiresAt(principal);
	}

	/**
	 * Authenticate the token of a {@code refresh} op (PROTOCOL.md §7.1): the token alone counts, never
	 * the connection's request principal nor anonymous access.
	 * @param token the new token
	 * @param current the connection's principal
	 * @return the new principal, of the same name as the current one
	 * @throws ProtocolException (as an error signal) {@code unauthorized} when the token is not valid,
	 * {@code forbidden} when it belongs to another principal
	 */
	public Mono<Principal> reauthenticate(String token, Principal current) {
		AuthRequest request = new AuthRequest(token, null, HttpHeaders.EMPTY, null);
		return Mono.defer(() -> this.authValidator.authenticate(request))
			.onErrorResume((ex) -> {
				logger.debug("Authentication of a push client's refresh failed", ex);
				return Mono.empty();
			})
			.switchIfEmpty(Mono.error(() -> new ProtocolException(ErrorCode.UNAUTHORIZED,
					"The refresh token was not accepted; the current credentials stay in force until they expire")))
			.map((principal) -> {
				if (AnonymousPrincipal.isAnonymous(principal) || !principal.getName().equals(current.getName())) {
					throw new ProtocolException(ErrorCode.FORBIDDEN, "The refresh token belongs to another principal; "
							+ "the current credentials stay in force until they expire");
				}
				return principal;
			});
	}

	private static ProtocolException unauthorized(AuthRequest request) {
		return new ProtocolException(ErrorCode.UNAUTHORIZED, (request.token() != null)
				? "The token was not accepted" : "Authentication required: send a token in auth or credentials on the request");
	}

	/**
	 * Record a client's acknowledgement in its session (PROTOCOL.md §5.3).
	 * @param session the session
	 * @param channel the channel
	 * @param cursor the cursor processed
	 * @return completes when recorded; an error {@link ProtocolException} {@code bad_message} for a
	 * channel the session is not subscribed to or a cursor beyond the head. With stores that answer with
	 * completed {@code Mono}s (the in-memory ones) the ack is checked and recorded before this returns,
	 * allocating no operator.
	 */
	public Mono<Void> acknowledge(DefaultPushSession session, String channel, long cursor) {
		if (!session.hasChannel(channel)) {
			return Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE, "Not subscribed to " + channel, channel));
		}
		// The cursor belongs to the epoch the client read it in, not to whatever stream holds the channel now.
		String epoch = session.subscribedEpoch(channel);
		Mono<StreamPosition> position = this.streams.position(channel);
		if (position instanceof Fuseable.ScalarCallable<?> completed) {
			StreamPosition current;
			try {
				current = (StreamPosition) completed.call();
			}
			catch (Exception ex) {
				return Mono.error(ex);
			}
			return acknowledge(session, channel, cursor, epoch, current);
		}
		return position.flatMap((current) -> acknowledge(session, channel, cursor, epoch, current))
			.switchIfEmpty(Mono.defer(() -> acknowledge(session, channel, cursor, epoch, null)));
	}

	private Mono<Void> acknowledge(DefaultPushSession session, String channel, long cursor, @Nullable String epoch,
			@Nullable StreamPosition current) {
		if (current == null || (epoch != null && !epoch.equals(current.epoch()))) {
			if (epoch == null) {
				return Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE,
						"Ack of cursor " + cursor + " is beyond the head 0 of " + channel, channel));
			}
			// That stream is gone: kept in its epoch, a resume from it gets resume_required, never a skip.
			return this.sessions.acknowledge(session, channel, cursor, epoch);
		}
		long head = current.head();
		if (cursor > head) {
			return Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE,
					"Ack of cursor " + cursor + " is beyond the head " + head + " of " + channel, channel));
		}
		return this.sessions.acknowledge(session, channel, cursor, current.epoch());
	}

	/**
	 * Convert an application value to a JSON payload with the application's mapper.
	 * @param payload the value
	 * @return the JSON
	 */
	public JsonNode toPayload(@Nullable Object payload) {
		if (payload instanceof JsonNode node) {
			return node;
		}
		return this.payloadMapper.valueToTree(payload);
	}

	/**
	 * Publish to a channel's stream.
	 * @param channel the channel
	 * @param payload the payload
	 * @param clientId the publishing client or {@code null}
	 * @return where it was stored
	 */
	public Mono<PublishResult> publish(String channel, @Nullable Object payload, @Nullable String clientId) {
		return Mono.defer(() -> {
			ChannelRegistry.ResolvedChannel resolved = this.channels.resolve(channel);
			JsonNode json = toPayload(payload);
			return this.streams.stream(resolved.name(), resolved.kind())
				.append(json, clientId)
				.map((frame) -> new PublishResult(frame.channel(), frame.cursor(), frame.epoch()));
		});
	}

	/**
	 * Deliver a transient frame to a channel's current subscribers.
	 * @param channel the channel
	 * @param payload the payload
	 * @param clientId the publishing client or {@code null}
	 * @return how many connections it was queued for
	 */
	public Mono<Integer> publishTransient(String channel, @Nullable Object payload, @Nullable String clientId) {
		return Mono.defer(() -> {
			ChannelRegistry.ResolvedChannel resolved = this.channels.resolve(channel);
			// Encoded as JSON now (a payload that cannot be fails here), in other formats on first use.
			PreparedMessage frame = PreparedMessage.of(this.codec, new Frame(channel, null, toPayload(payload), clientId));
			return this.streams.stream(resolved.name(), resolved.kind()).publishTransient(frame);
		});
	}

}

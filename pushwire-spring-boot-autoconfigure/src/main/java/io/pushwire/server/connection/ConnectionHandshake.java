package io.pushwire.server.connection;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.CloseReason;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;
import io.pushwire.security.AuthRequest;
import io.pushwire.server.observation.DefaultHandshakeObservationConvention;
import io.pushwire.server.observation.HandshakeObservationContext;
import io.pushwire.server.observation.HandshakeObservationConvention;
import io.pushwire.server.observation.PushMetrics;
import io.pushwire.server.observation.PushwireObservationDocumentation;
import io.pushwire.server.stream.ResumePlan;

/**
 * The start of a connection's life (PROTOCOL.md §4 step 1–3): authentication, admission,
 * the session, the capabilities' subscriptions and {@code auth_ok}. Node-wide; the
 * connection keeps the state it leads to.
 */
final class ConnectionHandshake {

	private static final Log logger = LogFactory.getLog(ConnectionHandshake.class);

	/**
	 * Where Micrometer's context propagation keeps the current observation in a Reactor
	 * context ({@code ObservationThreadLocalAccessor.KEY}, whose class needs the
	 * context-propagation library).
	 */
	private static final String OBSERVATION_KEY = "micrometer.observation";

	private static final HandshakeObservationConvention DEFAULT_CONVENTION = new DefaultHandshakeObservationConvention();

	/** The reason of an auth failure for a client id that is not valid. */
	static final String INVALID_CLIENT_ID = "invalid_client_id";

	private volatile ObservationRegistry observations = ObservationRegistry.NOOP;

	private volatile @Nullable HandshakeObservationConvention convention;

	private final ClientAuthenticator authenticator;

	private final ConnectionAdmission admission;

	private final SessionRegistry sessions;

	private final ChannelSubscriber subscriber;

	private final PushServerSettings settings;

	ConnectionHandshake(ClientAuthenticator authenticator, ConnectionAdmission admission, SessionRegistry sessions,
			ChannelSubscriber subscriber, PushServerSettings settings) {
		this.authenticator = authenticator;
		this.admission = admission;
		this.sessions = sessions;
		this.subscriber = subscriber;
		this.settings = settings;
	}

	void observeIn(ObservationRegistry registry, @Nullable HandshakeObservationConvention convention) {
		this.observations = registry;
		this.convention = convention;
	}

	/**
	 * Observe a handshake and count its refusals.
	 * @param <T> the handshake's result
	 * @param connection the connection
	 * @param handshake the authentication and start: a value once {@code auth_ok} is
	 * queued, empty when the transport ended first
	 * @return the handshake, observed
	 * @see ClientConnection#observeHandshake
	 */
	<T> Mono<T> observed(ClientConnection connection, Mono<T> handshake) {
		ObservationRegistry registry = this.observations;
		PushMetrics metrics = connection.metrics();
		if (registry.isNoop()) {
			return (metrics == PushMetrics.NONE) ? handshake
					: handshake.doOnError((ex) -> countRefusal(metrics, outcome(ex)));
		}
		return Mono.deferContextual((reactorContext) -> {
			HandshakeObservationContext context = new HandshakeObservationContext(connection.transport());
			Observation observation = PushwireObservationDocumentation.HANDSHAKE.observation(this.convention,
					DEFAULT_CONVENTION, () -> context, registry);
			Observation parent = reactorContext.getOrDefault(OBSERVATION_KEY, null);
			observation.parentObservation(parent).start();
			// Stopped before the outcome goes on (auth_ok or the refusal follows it), so
			// that the observation is complete when the client sees the outcome; once.
			AtomicBoolean stopped = new AtomicBoolean();
			Runnable stop = () -> {
				if (stopped.compareAndSet(false, true)) {
					observation.stop();
				}
			};
			return handshake.doOnSuccess((result) -> {
				if (result != null) {
					context.setOutcome(HandshakeObservationContext.SUCCESS);
				}
				stop.run();
			}).doOnError((ex) -> {
				String outcome = outcome(ex);
				context.setOutcome(outcome);
				countRefusal(metrics, outcome);
				if (!(ex instanceof ProtocolException)) {
					observation.error(ex);
				}
				stop.run();
			}).doOnCancel(stop).contextWrite((propagated) -> propagated.put(OBSERVATION_KEY, observation));
		});
	}

	private static String outcome(Throwable ex) {
		return (ex instanceof ProtocolException protocol) ? protocol.code().wireName() : ErrorCode.INTERNAL.wireName();
	}

	private static void countRefusal(PushMetrics metrics, String outcome) {
		if (outcome.equals(ErrorCode.UNAUTHORIZED.wireName()) || outcome.equals(ErrorCode.FORBIDDEN.wireName())) {
			metrics.authFailure(outcome);
		}
	}

	/**
	 * Authenticate, then {@link #start start}; a failure closes the connection with the
	 * matching code (PROTOCOL.md §4 step 1–3), and any other failure (an authorizer's or
	 * a store's) with {@code error internal} and {@code goodbye shutdown} (1001: the
	 * client may reconnect with backoff).
	 * @param connection the connection being opened
	 * @param auth the client's {@code auth} op
	 * @param request what the transport knows of the request (for authentication)
	 * @return completes when the handshake is done or the connection closed
	 * @see ClientConnection#handshake
	 */
	Mono<Void> handshake(ClientConnection connection, SystemOp.Auth auth, AuthRequest request) {
		String clientId = auth.clientId();
		if (clientId != null && !ClientIds.isValid(clientId)) {
			connection.metrics().authFailure(INVALID_CLIENT_ID);
			connection.close(CloseReason.POLICY);
			return Mono.empty();
		}
		String id = (clientId != null) ? clientId : ClientIds.newId();
		return observed(connection, this.authenticator.authenticate(request, id)
			.flatMap((principal) -> start(connection, id, auth, principal))).then().onErrorResume((failure) -> {
				if (!(failure instanceof ProtocolException ex)) {
					// An authorizer or store failed: the client is not at fault and may
					// try again later.
					logger.error("The handshake of a push client failed", failure);
					connection.send(SystemOp.Error.of(ErrorCode.INTERNAL,
							"The server failed to complete the handshake; reconnect later", null));
					connection.close(CloseReason.SHUTDOWN);
				}
				else if (ex.code() == ErrorCode.UNAVAILABLE) {
					connection.send(ex.toOp());
					connection.close(CloseReason.SHUTDOWN);
				}
				else if (ex.code() == ErrorCode.RATE_LIMITED) {
					connection.send(ex.toOp());
					connection.close(CloseReason.POLICY);
				}
				else {
					connection
						.close((ex.code() == ErrorCode.FORBIDDEN) ? CloseReason.FORBIDDEN : CloseReason.UNAUTHORIZED);
				}
				return Mono.empty();
			});
	}

	/**
	 * Attach to the session, subscribe to the capabilities, and queue {@code auth_ok},
	 * the refusals, any {@code resume_required} and the replay.
	 * @param connection the authenticated connection
	 * @param clientId the client's id
	 * @param auth the client's {@code auth} op
	 * @param principal the authenticated principal
	 * @return the {@code auth_ok} queued
	 * @see ClientConnection#start
	 */
	Mono<SystemOp.AuthOk> start(ClientConnection connection, String clientId, SystemOp.Auth auth, Principal principal) {
		return Mono.defer(() -> {
			if (!this.admission.isAccepting()) {
				throw new ProtocolException(ErrorCode.UNAVAILABLE,
						"The server is shutting down; reconnect with backoff and resume");
			}
			// Only now, after authentication: refused clients must not use up the
			// legitimate ones' budget.
			if (!this.admission.admitNewConnection()) {
				connection.metrics().rateLimited("connection_rate");
				throw new ProtocolException(ErrorCode.RATE_LIMITED,
						"Too many new connections on this server; retry with backoff");
			}
			Long expiresAtMs = ExpiryTimer.epochMillis(this.authenticator.credentialsExpiry(principal));
			DefaultPushSession existing = this.sessions.local(clientId);
			boolean replacing = existing != null && existing.isConnected()
					&& existing.principal().getName().equals(principal.getName());
			try {
				this.admission.acquireConnectionSlot(principal, replacing);
			}
			catch (ProtocolException ex) {
				connection.metrics().rateLimited("principal_connections");
				throw ex;
			}
			Mono<SessionRegistry.Attached> attaching;
			try {
				attaching = this.sessions.attach(clientId, principal, connection, auth.sessionSecret());
			}
			catch (RuntimeException ex) {
				this.admission.releaseConnectionSlot(principal);
				throw ex;
			}
			return attaching.doOnError((ex) -> {
				this.admission.releaseConnectionSlot(principal);
				if (ex instanceof ProtocolException refused && refused.code() == ErrorCode.RATE_LIMITED) {
					connection.metrics().rateLimited("principal_sessions");
				}
			}).flatMap((attached) -> {
				if (!connection.attached(principal, attached.session())) {
					// The transport ended (a cancel) while this ran: terminated() may
					// have missed the session
					// and the slot just taken. Each side writes its flag before reading
					// the other's.
					connection.terminated();
					return Mono.empty();
				}
				if (attached.replaced() != null) {
					// The client keeps its memberships through the replacement: the new
					// connection holds them
					// before the old one can end, then drops those it does not subscribe
					// to again.
					this.subscriber.handOverPresence(attached.replaced(), connection);
					attached.replaced().close(CloseReason.REPLACED);
				}
				Map<String, ResumeToken.Position> resume = new LinkedHashMap<>();
				for (String channel : new LinkedHashSet<>(auth.capabilities())) {
					Long cursor = auth.resumeCursors().get(channel);
					if (cursor == null) {
						cursor = auth.resumeCursor();
					}
					if (cursor != null) {
						resume.put(channel, new ResumeToken.Position(cursor, auth.resumeEpochs().get(channel)));
					}
				}
				return this.subscriber.subscribeAll(connection, auth.capabilities(), resume, auth.delta())
					.map((result) -> {
						Map<String, Long> after = new LinkedHashMap<>();
						Map<String, Long> heads = new LinkedHashMap<>();
						Map<String, String> epochs = new LinkedHashMap<>();
						for (ChannelSubscription subscription : result.granted()) {
							ResumePlan plan = subscription.plan();
							after.put(plan.channel(), plan.after());
							heads.put(plan.channel(), plan.head());
							epochs.put(plan.channel(), plan.epoch());
						}
						// A binary connection learns the kinds' wire ids (PROTOCOL.md
						// §8.1).
						Map<String, Long> wireIds = (connection.format() instanceof BinaryFormat binary)
								? binary.wireIds().asMap() : Map.of();
						SystemOp.AuthOk ok = new SystemOp.AuthOk(clientId, after, heads, epochs,
								this.settings.heartbeat().toMillis(), this.settings.features(), expiresAtMs,
								attached.newSessionSecret(), wireIds);
						// Armed before auth_ok is queued, so that a client that read it
						// can
						// count on the timer.
						connection.expireAt(expiresAtMs);
						Set<String> granted = new LinkedHashSet<>();
						result.granted().forEach((subscription) -> granted.add(subscription.channel()));
						// Members before auth_ok (a presence asked by anyone once it
						// arrived
						// lists this client),
						// announced after it.
						List<String> joined = this.subscriber.presenceAdd(connection, granted);
						connection.started(ok);
						result.errors().forEach(connection::send);
						result.release(connection);
						connection.startHeartbeat();
						for (String held : connection.subscriptions().memberships().keySet()) {
							if (!granted.contains(held)) {
								// Handed over by a replaced connection, not subscribed to
								// again.
								this.subscriber.presenceLeft(connection, held);
							}
						}
						this.subscriber.presenceAnnounce(connection, joined);
						return ok;
					});
			});
		});
	}

}

package io.pushwire.server.connection;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Principal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.ResumeToken;
import io.pushwire.security.AnonymousPrincipal;
import io.pushwire.server.PushSession;

/**
 * A session kept by the {@link SessionRegistry}.
 *
 * @since 0.1.0
 */
public final class DefaultPushSession implements PushSession {

	private final String clientId;

	/** 192 bits: well past guessing, 32 URL-safe characters. */
	private static final int SECRET_BYTES = 24;

	private static final SecureRandom SECRETS = new SecureRandom();

	private final String principalName;

	/**
	 * An anonymous session's secret (PROTOCOL.md §7): an anonymous principal is named
	 * after the client id, which other clients see in frames, so the name alone does not
	 * prove ownership.
	 */
	private final byte @Nullable [] secret;

	private volatile Principal principal;

	private volatile @Nullable ClientConnection connection;

	private volatile long detachedAtNanos;

	/** Made on the first ack: many clients never acknowledge. */
	private volatile @Nullable Map<String, ResumeToken.Position> acks;

	/**
	 * The subscribed channels, each with the epoch it was subscribed in (the epoch of the
	 * cursors the client acknowledges); one map for both, since every session of an idle
	 * connection holds it. Immutable, replaced under the session's lock: read on every
	 * ack, changed only when the client subscribes or unsubscribes, and a map of one
	 * channel (most sessions) costs 24 bytes, not 176.
	 */
	private volatile Map<String, String> channels = Map.of();

	/** Created on the first HTTP request made while no connection is attached. */
	private volatile @Nullable TokenBucket detachedRequests;

	/**
	 * A new session of a client, not attached yet (an anonymous principal's gets a new
	 * secret). For {@link SessionRegistry} implementations outside this package; the
	 * registry that keeps sessions elsewhere (Redis) makes this node's view of one with
	 * it.
	 * @param clientId the client id
	 * @param principal the principal it is bound to
	 * @return the session
	 */
	public static DefaultPushSession create(String clientId, Principal principal) {
		return new DefaultPushSession(clientId, principal);
	}

	DefaultPushSession(String clientId, Principal principal) {
		this.clientId = clientId;
		this.principal = principal;
		this.principalName = principal.getName();
		this.detachedAtNanos = System.nanoTime();
		this.secret = AnonymousPrincipal.isAnonymous(principal) ? newSecret() : null;
	}

	/**
	 * Kept as bytes, 40 bytes rather than a 72-byte string; encoded when the client is
	 * told it.
	 * @return a new random secret
	 */
	private static byte[] newSecret() {
		byte[] bytes = new byte[SECRET_BYTES];
		SECRETS.nextBytes(bytes);
		return bytes;
	}

	private static String encode(byte[] secret) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
	}

	@Override
	public String clientId() {
		return this.clientId;
	}

	@Override
	public Principal principal() {
		return this.principal;
	}

	/**
	 * The name of the principal the session is bound to.
	 * @return the name
	 */
	public String principalName() {
		return this.principalName;
	}

	/**
	 * Whether the principal is anonymous (such a session has a secret).
	 * @return {@code true} for an anonymous principal's session
	 */
	public boolean isAnonymous() {
		return this.secret != null;
	}

	/**
	 * The secret of an anonymous session, for its first {@code auth_ok}.
	 * @return the secret, or {@code null} for an authenticated principal's session
	 */
	public @Nullable String secret() {
		byte[] current = this.secret;
		return (current != null) ? encode(current) : null;
	}

	/**
	 * Whether a client presented this session's secret, compared in constant time; always
	 * {@code true} for a session without one (that of an authenticated principal).
	 * @param presented the secret the client presented, or {@code null} when none
	 * @return {@code true} when the secret matches or none is needed
	 */
	boolean secretMatches(@Nullable String presented) {
		if (this.secret == null) {
			return true;
		}
		return presented != null && MessageDigest.isEqual(encode(this.secret).getBytes(StandardCharsets.US_ASCII),
				presented.getBytes(StandardCharsets.UTF_8));
	}

	long detachedAtNanos() {
		return this.detachedAtNanos;
	}

	@Override
	public boolean isConnected() {
		return this.connection != null;
	}

	@Override
	public @Nullable String transport() {
		ClientConnection current = this.connection;
		return (current != null) ? current.transport() : null;
	}

	@Override
	public Set<String> channels() {
		return Set.copyOf(this.channels.keySet());
	}

	/**
	 * Whether the client is (or was last) subscribed to a channel.
	 * @param channel the channel
	 * @return {@code true} when subscribed
	 */
	public boolean hasChannel(String channel) {
		return this.channels.containsKey(channel);
	}

	@Override
	public Map<String, ResumeToken.Position> acknowledged() {
		Map<String, ResumeToken.Position> current = this.acks;
		return (current != null) ? Map.copyOf(current) : Map.of();
	}

	/**
	 * The connection attached now.
	 * @return the connection or {@code null}
	 */
	public @Nullable ClientConnection connection() {
		return this.connection;
	}

	/**
	 * The acknowledged position of a channel.
	 * @param channel the channel
	 * @return the position or {@code null}
	 */
	public ResumeToken.@Nullable Position acknowledged(String channel) {
		Map<String, ResumeToken.Position> current = this.acks;
		return (current != null) ? current.get(channel) : null;
	}

	/**
	 * Record an acknowledgement; acks never go backwards within an epoch, and an ack of a
	 * new epoch replaces the old one.
	 * @param channel the channel
	 * @param cursor the cursor
	 * @param epoch the epoch the cursor belongs to
	 */
	public void acknowledge(String channel, long cursor, String epoch) {
		Map<String, ResumeToken.Position> current = this.acks;
		if (current == null) {
			synchronized (this) {
				current = this.acks;
				if (current == null) {
					current = new ConcurrentHashMap<>();
					this.acks = current;
				}
			}
		}
		current.merge(channel, new ResumeToken.Position(cursor, epoch),
				(old, now) -> (epoch.equals(old.epoch()) && old.cursor() >= cursor) ? old : now);
	}

	/**
	 * Count an HTTP request (ack, send) made while no connection is attached against the
	 * session's own rate: without a connection there is no connection's rate to count it
	 * against, and a detached session must not take unlimited requests.
	 * @param rate requests per second ({@code max-inbound-rate})
	 * @param burst requests at once ({@code max-inbound-burst})
	 * @return {@code false} when over the rate (the caller answers 429)
	 */
	public boolean admitDetachedRequest(int rate, int burst) {
		TokenBucket bucket = this.detachedRequests;
		if (bucket == null) {
			synchronized (this) {
				bucket = this.detachedRequests;
				if (bucket == null) {
					bucket = new TokenBucket(rate, burst);
					this.detachedRequests = bucket;
				}
			}
		}
		return bucket.tryAcquire();
	}

	/**
	 * The epoch of the stream the client was given a channel's frames from.
	 * @param channel the channel
	 * @return the epoch, or {@code null} when not subscribed
	 */
	public @Nullable String subscribedEpoch(String channel) {
		return this.channels.get(channel);
	}

	synchronized void channelAdded(String channel, String epoch) {
		Map<String, String> current = this.channels;
		if (current.isEmpty()) {
			this.channels = Map.of(channel, epoch);
			return;
		}
		Map<String, String> next = new HashMap<>(current);
		next.put(channel, epoch);
		this.channels = Map.copyOf(next);
	}

	void channelRemoved(String channel) {
		synchronized (this) {
			Map<String, String> current = this.channels;
			if (current.containsKey(channel)) {
				Map<String, String> next = new HashMap<>(current);
				next.remove(channel);
				this.channels = Map.copyOf(next);
			}
		}
		Map<String, ResumeToken.Position> acknowledged = this.acks;
		if (acknowledged != null) {
			acknowledged.remove(channel);
		}
	}

	/**
	 * The connection's credentials were refreshed: the same principal's name, maybe new
	 * roles.
	 * @param principal the principal of the new credentials
	 */
	void refreshed(Principal principal) {
		this.principal = principal;
	}

	/**
	 * Attach a connection of this node (for {@link SessionRegistry} implementations).
	 * @param connection the connection
	 * @param principal its principal
	 * @return the connection attached until now, or {@code null}
	 */
	public synchronized @Nullable ClientConnection attach(ClientConnection connection, Principal principal) {
		ClientConnection previous = this.connection;
		this.connection = connection;
		this.principal = principal;
		if (previous != null) {
			// The new connection chooses its channels afresh; acks are kept for resuming.
			this.channels = Map.of();
		}
		return previous;
	}

	/**
	 * Detach a connection (for {@link SessionRegistry} implementations); nothing happens
	 * when another one is attached now.
	 * @param connection the connection
	 * @return {@code true} when it was the attached one
	 */
	public synchronized boolean detach(ClientConnection connection) {
		if (this.connection != connection) {
			return false;
		}
		this.connection = null;
		this.detachedAtNanos = System.nanoTime();
		return true;
	}

	/**
	 * Whether the session has been without a connection for longer than a TTL.
	 * @param nowNanos now, from {@link System#nanoTime()}
	 * @param ttlNanos the TTL
	 * @return {@code true} when expired
	 */
	public synchronized boolean isExpired(long nowNanos, long ttlNanos) {
		return this.connection == null && nowNanos - this.detachedAtNanos > ttlNanos;
	}

	@Override
	public String toString() {
		return "PushSession[" + this.clientId + ", principal=" + this.principalName + ", connected=" + isConnected()
				+ "]";
	}

}

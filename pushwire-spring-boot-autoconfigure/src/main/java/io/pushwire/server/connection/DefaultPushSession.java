package io.pushwire.server.connection;

import java.security.Principal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.pushwire.core.ResumeToken;
import io.pushwire.server.PushSession;
import org.jspecify.annotations.Nullable;

/**
 * A session kept by the {@link SessionRegistry}.
 */
public final class DefaultPushSession implements PushSession {

	private final String clientId;

	private final String principalName;

	private volatile Principal principal;

	private volatile @Nullable ClientConnection connection;

	private volatile long detachedAtNanos;

	private final Map<String, ResumeToken.Position> acks = new ConcurrentHashMap<>();

	private final Set<String> channels = ConcurrentHashMap.newKeySet();

	/** The epoch each channel was subscribed in: the epoch of the cursors the client acknowledges. */
	private final Map<String, String> epochs = new ConcurrentHashMap<>();

	DefaultPushSession(String clientId, Principal principal) {
		this.clientId = clientId;
		this.principal = principal;
		this.principalName = principal.getName();
		this.detachedAtNanos = System.nanoTime();
	}

	@Override
	public String clientId() {
		return this.clientId;
	}

	@Override
	public Principal principal() {
		return this.principal;
	}

	String principalName() {
		return this.principalName;
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
		return Set.copyOf(this.channels);
	}

	/**
	 * Whether the client is (or was last) subscribed to a channel.
	 * @param channel the channel
	 * @return {@code true} when subscribed
	 */
	public boolean hasChannel(String channel) {
		return this.channels.contains(channel);
	}

	@Override
	public Map<String, ResumeToken.Position> acknowledged() {
		return Map.copyOf(this.acks);
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
		return this.acks.get(channel);
	}

	/**
	 * Record an acknowledgement; acks never go backwards within an epoch, and an ack of a new epoch
	 * replaces the old one.
	 * @param channel the channel
	 * @param cursor the cursor
	 * @param epoch the epoch the cursor belongs to
	 */
	public void acknowledge(String channel, long cursor, String epoch) {
		this.acks.merge(channel, new ResumeToken.Position(cursor, epoch), (old, now) -> (epoch.equals(old.epoch())
				&& old.cursor() >= cursor) ? old : now);
	}

	/**
	 * The epoch of the stream the client was given a channel's frames from.
	 * @param channel the channel
	 * @return the epoch, or {@code null} when not subscribed
	 */
	public @Nullable String subscribedEpoch(String channel) {
		return this.epochs.get(channel);
	}

	void channelAdded(String channel, String epoch) {
		this.epochs.put(channel, epoch);
		this.channels.add(channel);
	}

	void channelRemoved(String channel) {
		this.channels.remove(channel);
		this.epochs.remove(channel);
		this.acks.remove(channel);
	}

	synchronized @Nullable ClientConnection attach(ClientConnection connection, Principal principal) {
		ClientConnection previous = this.connection;
		this.connection = connection;
		this.principal = principal;
		if (previous != null) {
			// The new connection chooses its channels afresh; acks are kept for resuming.
			this.channels.clear();
			this.epochs.clear();
		}
		return previous;
	}

	synchronized boolean detach(ClientConnection connection) {
		if (this.connection != connection) {
			return false;
		}
		this.connection = null;
		this.detachedAtNanos = System.nanoTime();
		return true;
	}

	synchronized boolean isExpired(long nowNanos, long ttlNanos) {
		return this.connection == null && nowNanos - this.detachedAtNanos > ttlNanos;
	}

	@Override
	public String toString() {
		return "PushSession[" + this.clientId + ", principal=" + this.principalName + ", connected=" + isConnected()
				+ "]";
	}

}

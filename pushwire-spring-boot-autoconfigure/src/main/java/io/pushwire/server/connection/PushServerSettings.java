package io.pushwire.server.connection;

import java.time.Duration;
import java.util.List;

/**
 * The server's limits and timings, as configured under {@code pushwire.server}.
 *
 * @param heartbeat interval of the server's ping
 * @param heartbeatGrace silence tolerated past one heartbeat before closing with 4010
 * @param handshakeTimeout time a new connection has to authenticate
 * @param maxMessageSize largest inbound message in bytes
 * @param sessionTtl how long a session outlives its connection
 * @param maxQueuedBytes bound of each connection's outbound queue
 * @param writeTimeout a queue that has not moved for this long counts as full
 * @param socketSendBuffer the kernel send buffer of each push connection's socket in
 * bytes, 0 for the system's (auto-tuned) default
 * @param maxSubscriptions most channels per connection
 * @param subscriberBuffer most frames a server-side subscriber may leave waiting
 * @param allowAnonymous whether clients without credentials are admitted
 * @param features the features listed in {@code auth_ok}
 * @since 0.1.0
 */
public record PushServerSettings(Duration heartbeat, Duration heartbeatGrace, Duration handshakeTimeout,
		long maxMessageSize, Duration sessionTtl, long maxQueuedBytes, Duration writeTimeout, long socketSendBuffer,
		int maxSubscriptions, int subscriberBuffer, boolean allowAnonymous, List<String> features) {

	/** The default {@code socket-send-buffer}: 256 KB. */
	public static final long DEFAULT_SOCKET_SEND_BUFFER = 256 * 1024;

	/** The features this server supports in every configuration. */
	public static final List<String> BASE_FEATURES = List.of("resume", "acks", "priority");

	/**
	 * Check the settings.
	 */
	public PushServerSettings {
		requirePositive(heartbeat, "pushwire.server.heartbeat");
		requirePositive(heartbeatGrace, "pushwire.server.heartbeat-grace");
		requirePositive(handshakeTimeout, "pushwire.server.handshake-timeout");
		requirePositive(sessionTtl, "pushwire.server.session-ttl");
		requirePositive(writeTimeout, "pushwire.server.write-timeout");
		if (maxMessageSize < 256) {
			throw new IllegalArgumentException("pushwire.server.max-message-size must be at least 256B");
		}
		if (maxQueuedBytes < maxMessageSize) {
			throw new IllegalArgumentException(
					"pushwire.server.max-queued-bytes must be at least pushwire.server.max-message-size");
		}
		if (socketSendBuffer < 0 || socketSendBuffer > Integer.MAX_VALUE) {
			throw new IllegalArgumentException(
					"pushwire.server.socket-send-buffer must be 0 (the system's default) or a size up to 2GB");
		}
		if (maxSubscriptions < 1) {
			throw new IllegalArgumentException("pushwire.server.max-subscriptions must be at least 1");
		}
		if (subscriberBuffer < 1) {
			throw new IllegalArgumentException("pushwire.server.subscriber-buffer must be at least 1");
		}
		features = List.copyOf(features);
	}

	/**
	 * The defaults of PROTOCOL.md.
	 * @return the settings
	 */
	public static PushServerSettings defaults() {
		return new PushServerSettings(Duration.ofSeconds(25), Duration.ofSeconds(10), Duration.ofSeconds(10), 64 * 1024,
				Duration.ofMinutes(5), 1024 * 1024, Duration.ofSeconds(30), DEFAULT_SOCKET_SEND_BUFFER, 256, 10_000,
				false, BASE_FEATURES);
	}

	private static void requirePositive(Duration duration, String property) {
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw new IllegalArgumentException(property + " must be a positive duration, not " + duration);
		}
	}

}

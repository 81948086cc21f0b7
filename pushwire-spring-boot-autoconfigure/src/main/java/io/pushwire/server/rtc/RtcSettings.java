package io.pushwire.server.rtc;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The settings of peer rooms, routes and the relay ({@code pushwire.server.rtc.*}).
 *
 * @param failureThreshold {@code failed} reports that switch a route to {@code relay}
 * @param retryBackoff the wait after a switch to {@code relay} before {@code p2p} is
 * offered again; doubled at each further degradation of the same route
 * @param maxRetryBackoff the longest wait the doubling reaches
 * @param relayBytesPerSecond the refill rate of a sender's relay bucket
 * @param relayBurstBytes the capacity of a sender's relay bucket
 * @param maxCandidatesPerPair the candidates remembered per room and ordered pair for
 * de-duplication (the oldest are forgotten past it)
 * @param turnSecret the shared secret of the TURN server, or {@code null} for none
 * @param turnTtl the lifetime of TURN credentials
 * @param turnServer the TURN URL given with the credentials as {@code server}, or
 * {@code null}
 * @param turnUrls more TURN URLs given with the credentials as {@code urls}, possibly
 * none
 * @since 0.1.0
 */
public record RtcSettings(int failureThreshold, Duration retryBackoff, Duration maxRetryBackoff,
		long relayBytesPerSecond, long relayBurstBytes, int maxCandidatesPerPair, @Nullable String turnSecret,
		Duration turnTtl, @Nullable String turnServer, List<String> turnUrls) {

	/**
	 * Check the settings.
	 */
	public RtcSettings {
		require(failureThreshold >= 1, "pushwire.server.rtc.failure-threshold must be at least 1");
		require(retryBackoff.toMillis() > 0, "pushwire.server.rtc.retry-backoff must be positive");
		require(maxRetryBackoff.compareTo(retryBackoff) >= 0,
				"pushwire.server.rtc.max-retry-backoff must not be shorter than retry-backoff");
		require(relayBytesPerSecond > 0, "pushwire.server.rtc.relay.bytes-per-second must be positive");
		require(relayBurstBytes > 0, "pushwire.server.rtc.relay.burst-bytes must be positive");
		require(maxCandidatesPerPair >= 1, "pushwire.server.rtc.max-candidates-per-pair must be at least 1");
		require(turnTtl.getSeconds() >= 1, "pushwire.server.rtc.turn.ttl must be at least 1s");
		if (turnSecret != null && turnSecret.isEmpty()) {
			turnSecret = null;
		}
		turnUrls = List.copyOf(turnUrls);
	}

	/**
	 * The defaults of PROTOCOL.md §10 without TURN.
	 * @return the settings
	 */
	public static RtcSettings defaults() {
		return new RtcSettings(3, Duration.ofSeconds(30), Duration.ofMinutes(5), 256 * 1024, 1024 * 1024, 64, null,
				Duration.ofHours(1), null, List.of());
	}

	private static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalArgumentException(message);
		}
	}

}

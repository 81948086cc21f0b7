package io.pushwire.autoconfigure.rtc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * WebRTC rooms: signaling on the {@code rtc} channel kind, the routes of pairs of peers
 * and the relay (PROTOCOL.md §10). Rooms exist once the application declares the
 * {@code rtc} kind ({@code pushwire.server.channels.rtc.*}), whose {@code subscribe} rule
 * says who may join them.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("pushwire.server.rtc")
public class PushwireRtcProperties {

	/**
	 * Whether the server routes signaling and relays between the peers of rtc rooms (when
	 * the rtc channel kind is declared).
	 */
	private boolean enabled = true;

	/**
	 * How many "failed" status reports of a pair switch its route to relay.
	 */
	private int failureThreshold = 3;

	/**
	 * How long a route stays on relay after its p2p path degraded before p2p is offered
	 * again; doubled at each further degradation of the same pair.
	 */
	private Duration retryBackoff = Duration.ofSeconds(30);

	/**
	 * The longest the doubled retry backoff grows.
	 */
	private Duration maxRetryBackoff = Duration.ofMinutes(5);

	/**
	 * How many ICE candidates are remembered per room and pair of peers to drop repeats
	 * (the oldest are forgotten past it).
	 */
	private int maxCandidatesPerPair = 64;

	/**
	 * The relay of peer data through the server.
	 */
	private final Relay relay = new Relay();

	/**
	 * TURN credentials in the TURN REST style.
	 */
	private final Turn turn = new Turn();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getFailureThreshold() {
		return this.failureThreshold;
	}

	public void setFailureThreshold(int failureThreshold) {
		this.failureThreshold = failureThreshold;
	}

	public Duration getRetryBackoff() {
		return this.retryBackoff;
	}

	public void setRetryBackoff(Duration retryBackoff) {
		this.retryBackoff = retryBackoff;
	}

	public Duration getMaxRetryBackoff() {
		return this.maxRetryBackoff;
	}

	public void setMaxRetryBackoff(Duration maxRetryBackoff) {
		this.maxRetryBackoff = maxRetryBackoff;
	}

	public int getMaxCandidatesPerPair() {
		return this.maxCandidatesPerPair;
	}

	public void setMaxCandidatesPerPair(int maxCandidatesPerPair) {
		this.maxCandidatesPerPair = maxCandidatesPerPair;
	}

	public Relay getRelay() {
		return this.relay;
	}

	public Turn getTurn() {
		return this.turn;
	}

	/**
	 * The relay's bandwidth limit, one token bucket per sending client.
	 */
	public static class Relay {

		/**
		 * The relay bandwidth of each sending client, over all its rooms and peers
		 * (payload bytes as compact JSON).
		 */
		private DataSize bytesPerSecond = DataSize.ofKilobytes(256);

		/**
		 * The most a sending client may relay at once after being idle.
		 */
		private DataSize burstBytes = DataSize.ofMegabytes(1);

		public DataSize getBytesPerSecond() {
			return this.bytesPerSecond;
		}

		public void setBytesPerSecond(DataSize bytesPerSecond) {
			this.bytesPerSecond = bytesPerSecond;
		}

		public DataSize getBurstBytes() {
			return this.burstBytes;
		}

		public void setBurstBytes(DataSize burstBytes) {
			this.burstBytes = burstBytes;
		}

	}

	/**
	 * TURN credentials: without a secret, turn_credentials requests are refused with
	 * no_handler.
	 */
	public static class Turn {

		/**
		 * The secret shared with the TURN server (coturn's static-auth-secret).
		 */
		private @Nullable String secret;

		/**
		 * How long issued credentials are valid.
		 */
		private Duration ttl = Duration.ofHours(1);

		/**
		 * The TURN URL sent with the credentials as "server", e.g.
		 * turn:turn.example.com:3478.
		 */
		private @Nullable String server;

		/**
		 * More TURN URLs sent with the credentials as "urls" (for the browser's
		 * iceServers).
		 */
		private List<String> urls = new ArrayList<>();

		public @Nullable String getSecret() {
			return this.secret;
		}

		public void setSecret(@Nullable String secret) {
			this.secret = secret;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public @Nullable String getServer() {
			return this.server;
		}

		public void setServer(@Nullable String server) {
			this.server = server;
		}

		public List<String> getUrls() {
			return this.urls;
		}

		public void setUrls(List<String> urls) {
			this.urls = urls;
		}

	}

}

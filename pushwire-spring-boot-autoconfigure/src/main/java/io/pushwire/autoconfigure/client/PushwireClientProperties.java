package io.pushwire.autoconfigure.client;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import io.pushwire.client.AckMode;
import io.pushwire.client.FrameOverflow;
import io.pushwire.client.SendOverflow;
import io.pushwire.client.TransportPreference;

/**
 * Configuration of the pushwire client ({@code pushwire.client.*}).
 *
 * @since 0.2.0
 */
@ConfigurationProperties("pushwire.client")
public class PushwireClientProperties {

	/**
	 * Whether to auto-configure the pushwire client.
	 */
	private boolean enabled = true;

	/**
	 * Base URL of the pushwire server, for example http://localhost:8080/rps; setting it
	 * (or base-urls) creates a connected PushClient bean.
	 */
	private @Nullable String baseUrl;

	/**
	 * Base URLs of the nodes of a cluster, tried in turn after failures (instead of
	 * base-url).
	 */
	private List<String> baseUrls = new ArrayList<>();

	/**
	 * Channels subscribed on every connection.
	 */
	private List<String> channels = new ArrayList<>();

	/**
	 * Client id (a lowercase UUID); by default the one in the cursor store, else a random
	 * one.
	 */
	private @Nullable String clientId;

	/**
	 * Static bearer token; a PushCredentials bean supplies one per attempt instead.
	 */
	private @Nullable String token;

	/**
	 * User name for HTTP Basic authentication of the upgrade and stream requests.
	 */
	private @Nullable String username;

	/**
	 * Password for HTTP Basic authentication.
	 */
	private @Nullable String password;

	/**
	 * Transports to use and their order: ws-first, sse-first, ws-only or sse-only.
	 */
	private TransportPreference transport = TransportPreference.WS_FIRST;

	/**
	 * Wire format on WebSocket: json, msgpack or cbor (binary messages both ways, zstd
	 * and fragments included). SSE always uses json.
	 */
	private String format = "json";

	/**
	 * Channels (kind:topic) or channel kinds to ask delta updates for: the server sends
	 * each frame after the first as a Fossil delta where the kind offers it, and the
	 * client delivers the full payload, checked against its SHA-256.
	 */
	private List<String> delta = new ArrayList<>();

	/**
	 * Largest binary WebSocket message sent whole on a msgpack or cbor connection; larger
	 * ones are sent as fragments of at most this size. At least 1053B.
	 */
	private DataSize fragmentSize = DataSize.ofKilobytes(64);

	/**
	 * When frames are acknowledged: auto (once processed) or manual (PushFrame.ack()).
	 */
	private AckMode ack = AckMode.AUTO;

	/**
	 * How often automatic acknowledgements are flushed to the server.
	 */
	private Duration ackInterval = Duration.ofSeconds(1);

	/**
	 * Where cursors are kept across restarts: memory or file (a CursorStore bean
	 * overrides it).
	 */
	private CursorStoreType cursorStore = CursorStoreType.MEMORY;

	/**
	 * File of the file cursor store.
	 */
	private @Nullable Path cursorStorePath;

	/**
	 * Most time between two saves of the cursor store.
	 */
	private Duration cursorStoreFlush = Duration.ofSeconds(1);

	/**
	 * Frames buffered per frames() subscriber.
	 */
	private int frameBuffer = 4096;

	/**
	 * What a full frames() buffer does: error, drop-oldest or drop-latest.
	 */
	private FrameOverflow frameOverflow = FrameOverflow.ERROR;

	/**
	 * Timeout for opening the TCP connection.
	 */
	private Duration connectTimeout = Duration.ofSeconds(10);

	/**
	 * Timeout from the open connection to auth_ok.
	 */
	private Duration handshakeTimeout = Duration.ofSeconds(10);

	/**
	 * Silence allowed beyond the server's heartbeat_ms before the connection counts as
	 * dead.
	 */
	private Duration heartbeatGrace = Duration.ofSeconds(10);

	/**
	 * How long disconnect waits for the send queue to drain and the connection to close.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(5);

	/**
	 * How long subscribe and presence requests wait for the server's answer.
	 */
	private Duration requestTimeout = Duration.ofSeconds(10);

	/**
	 * Largest message accepted from the server.
	 */
	private DataSize maxMessageSize = DataSize.ofMegabytes(1);

	/**
	 * Share of the credentials' remaining lifetime after which refresh is sent.
	 */
	private double refreshRatio = 0.8;

	/**
	 * Whether SSE and HTTP requests also carry the token as a query parameter (it may end
	 * up in logs).
	 */
	private boolean sseQueryToken = false;

	/**
	 * Whether the PushClient bean connects when the application starts and disconnects
	 * when it stops.
	 */
	private boolean autoConnect = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getBaseUrl() {
		return this.baseUrl;
	}

	public void setBaseUrl(@Nullable String baseUrl) {
		this.baseUrl = baseUrl;
	}

	public List<String> getBaseUrls() {
		return this.baseUrls;
	}

	public void setBaseUrls(List<String> baseUrls) {
		this.baseUrls = baseUrls;
	}

	public List<String> getChannels() {
		return this.channels;
	}

	public void setChannels(List<String> channels) {
		this.channels = channels;
	}

	public @Nullable String getClientId() {
		return this.clientId;
	}

	public void setClientId(@Nullable String clientId) {
		this.clientId = clientId;
	}

	public @Nullable String getToken() {
		return this.token;
	}

	public void setToken(@Nullable String token) {
		this.token = token;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public TransportPreference getTransport() {
		return this.transport;
	}

	public void setTransport(TransportPreference transport) {
		this.transport = transport;
	}

	public List<String> getDelta() {
		return this.delta;
	}

	public void setDelta(List<String> delta) {
		this.delta = delta;
	}

	public String getFormat() {
		return this.format;
	}

	public void setFormat(String format) {
		this.format = format;
	}

	public AckMode getAck() {
		return this.ack;
	}

	public void setAck(AckMode ack) {
		this.ack = ack;
	}

	public Duration getAckInterval() {
		return this.ackInterval;
	}

	public void setAckInterval(Duration ackInterval) {
		this.ackInterval = ackInterval;
	}

	public CursorStoreType getCursorStore() {
		return this.cursorStore;
	}

	public void setCursorStore(CursorStoreType cursorStore) {
		this.cursorStore = cursorStore;
	}

	public @Nullable Path getCursorStorePath() {
		return this.cursorStorePath;
	}

	public void setCursorStorePath(@Nullable Path cursorStorePath) {
		this.cursorStorePath = cursorStorePath;
	}

	public Duration getCursorStoreFlush() {
		return this.cursorStoreFlush;
	}

	public void setCursorStoreFlush(Duration cursorStoreFlush) {
		this.cursorStoreFlush = cursorStoreFlush;
	}

	public int getFrameBuffer() {
		return this.frameBuffer;
	}

	public void setFrameBuffer(int frameBuffer) {
		this.frameBuffer = frameBuffer;
	}

	public FrameOverflow getFrameOverflow() {
		return this.frameOverflow;
	}

	public void setFrameOverflow(FrameOverflow frameOverflow) {
		this.frameOverflow = frameOverflow;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getHandshakeTimeout() {
		return this.handshakeTimeout;
	}

	public void setHandshakeTimeout(Duration handshakeTimeout) {
		this.handshakeTimeout = handshakeTimeout;
	}

	public Duration getHeartbeatGrace() {
		return this.heartbeatGrace;
	}

	public void setHeartbeatGrace(Duration heartbeatGrace) {
		this.heartbeatGrace = heartbeatGrace;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public DataSize getFragmentSize() {
		return this.fragmentSize;
	}

	public void setFragmentSize(DataSize fragmentSize) {
		this.fragmentSize = fragmentSize;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public double getRefreshRatio() {
		return this.refreshRatio;
	}

	public void setRefreshRatio(double refreshRatio) {
		this.refreshRatio = refreshRatio;
	}

	public boolean isSseQueryToken() {
		return this.sseQueryToken;
	}

	public void setSseQueryToken(boolean sseQueryToken) {
		this.sseQueryToken = sseQueryToken;
	}

	public boolean isAutoConnect() {
		return this.autoConnect;
	}

	public void setAutoConnect(boolean autoConnect) {
		this.autoConnect = autoConnect;
	}

	private final Reconnect reconnect = new Reconnect();

	private final SendQueue sendQueue = new SendQueue();

	private final Ssl ssl = new Ssl();

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public SendQueue getSendQueue() {
		return this.sendQueue;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	/**
	 * Where cursors are kept.
	 */
	public enum CursorStoreType {

		/** In memory: survives reconnects, not restarts. */
		MEMORY,

		/** In the file {@code cursor-store-path}. */
		FILE

	}

	/**
	 * Reconnect settings ({@code pushwire.client.reconnect.*}).
	 */
	public static class Reconnect {

		/**
		 * Retry strategy: exponential, fixed or none (a RetryStrategy bean overrides it).
		 */
		private Strategy strategy = Strategy.EXPONENTIAL;

		/**
		 * Preset for the exponential strategy: fast, standard or conservative; overrides
		 * initial, max and factor.
		 */
		private @Nullable Preset preset;

		/**
		 * First delay (exponential) or every delay (fixed).
		 */
		private Duration initial = Duration.ofSeconds(1);

		/**
		 * Largest delay of the exponential strategy.
		 */
		private Duration max = Duration.ofSeconds(60);

		/**
		 * Growth of the delay per attempt.
		 */
		private double factor = 2.0;

		/**
		 * Random share (0 to 1) taken off each delay.
		 */
		private double jitter = 0.2;

		/**
		 * Most attempts in a row before giving up; 0 for no limit.
		 */
		private long maxAttempts = 0;

		/**
		 * How long a connection must stay up for the attempt count to restart.
		 */
		private Duration stableAfter = Duration.ofSeconds(30);

		/**
		 * Seed of the jitter, for reproducible runs.
		 */
		private @Nullable Long seed;

		public Strategy getStrategy() {
			return this.strategy;
		}

		public void setStrategy(Strategy strategy) {
			this.strategy = strategy;
		}

		public @Nullable Preset getPreset() {
			return this.preset;
		}

		public void setPreset(@Nullable Preset preset) {
			this.preset = preset;
		}

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

		public double getFactor() {
			return this.factor;
		}

		public void setFactor(double factor) {
			this.factor = factor;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

		public long getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(long maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getStableAfter() {
			return this.stableAfter;
		}

		public void setStableAfter(Duration stableAfter) {
			this.stableAfter = stableAfter;
		}

		public @Nullable Long getSeed() {
			return this.seed;
		}

		public void setSeed(@Nullable Long seed) {
			this.seed = seed;
		}

		/**
		 * The retry strategies.
		 */
		public enum Strategy {

			/** Exponential backoff with jitter. */
			EXPONENTIAL,

			/** The same delay every time. */
			FIXED,

			/** Never reconnect. */
			NONE

		}

		/**
		 * The presets of the exponential strategy.
		 */
		public enum Preset {

			/** 100 ms growing by 1.5 up to 5 s. */
			FAST,

			/** 1 s doubling up to 60 s. */
			STANDARD,

			/** 2 s doubling up to 120 s. */
			CONSERVATIVE

		}

	}

	/**
	 * Send queue settings ({@code pushwire.client.send-queue.*}).
	 */
	public static class SendQueue {

		/**
		 * Most frames in the send queue.
		 */
		private int capacity = 1024;

		/**
		 * Most bytes (encoded frames) in the send queue.
		 */
		private DataSize maxBytes = DataSize.ofMegabytes(1);

		/**
		 * What a full send queue does: reject, drop-oldest or drop-newest.
		 */
		private SendOverflow overflow = SendOverflow.REJECT;

		/**
		 * How long send waits for room and for the write.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		public int getCapacity() {
			return this.capacity;
		}

		public void setCapacity(int capacity) {
			this.capacity = capacity;
		}

		public DataSize getMaxBytes() {
			return this.maxBytes;
		}

		public void setMaxBytes(DataSize maxBytes) {
			this.maxBytes = maxBytes;
		}

		public SendOverflow getOverflow() {
			return this.overflow;
		}

		public void setOverflow(SendOverflow overflow) {
			this.overflow = overflow;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * TLS settings ({@code pushwire.client.ssl.*}).
	 */
	public static class Ssl {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.*) for wss and https: custom CA,
		 * client certificate.
		 */
		private @Nullable String bundle;

		/**
		 * Whether to trust every server certificate; for tests only, logs a warning.
		 */
		private boolean insecureTrustAll = false;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

		public boolean isInsecureTrustAll() {
			return this.insecureTrustAll;
		}

		public void setInsecureTrustAll(boolean insecureTrustAll) {
			this.insecureTrustAll = insecureTrustAll;
		}

	}

}

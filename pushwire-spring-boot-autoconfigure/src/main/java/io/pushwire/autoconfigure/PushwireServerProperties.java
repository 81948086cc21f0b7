package io.pushwire.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;
import org.springframework.util.unit.DataSize;

import io.pushwire.server.channel.DeltaMode;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.redis.RedisStoreSettings;

/**
 * Configuration of the pushwire server, under {@code pushwire.server}.
 *
 * @since 0.1.0
 */
@ConfigurationProperties("pushwire.server")
public class PushwireServerProperties {

	/**
	 * Whether to start the push server in a reactive web application.
	 */
	private boolean enabled = true;

	/**
	 * Base path of the endpoints: the WebSocket at the path itself, SSE and HTTP routes
	 * below it.
	 */
	private String path = "/rps";

	/**
	 * Interval of the server's ping; a client must answer each with pong.
	 */
	private Duration heartbeat = Duration.ofSeconds(25);

	/**
	 * How long past one heartbeat interval a silent connection is kept before it is
	 * closed with 4010 (PROTOCOL.md: 10 seconds).
	 */
	private Duration heartbeatGrace = Duration.ofSeconds(10);

	/**
	 * Time a new WebSocket connection has to send its auth message.
	 */
	private Duration handshakeTimeout = Duration.ofSeconds(10);

	/**
	 * Largest message a client may send; a larger one closes the connection with 1009.
	 */
	private DataSize maxMessageSize = DataSize.ofKilobytes(64);

	/**
	 * How long a session (its client id binding and acknowledged cursors) outlives its
	 * connection.
	 */
	private Duration sessionTtl = Duration.ofMinutes(5);

	/**
	 * Bound of each connection's outbound queue; a client that lets it fill is closed
	 * with 4008 and resumes later from its cursors.
	 */
	private DataSize maxQueuedBytes = DataSize.ofMegabytes(1);

	/**
	 * A connection whose outbound queue has not moved for this long is treated as full.
	 */
	private Duration writeTimeout = Duration.ofSeconds(30);

	/**
	 * Period over which a stopping application spreads the goodbye shutdown (1001) of its
	 * connections, after refusing new ones, so that clients do not reconnect to the other
	 * nodes in one wave; 0 closes them all at once. With the flush after it, it must fit
	 * spring.lifecycle.timeout-per-shutdown-phase.
	 */
	private Duration shutdownDrain = Duration.ofSeconds(10);

	/**
	 * Where channel streams, sessions and presence live: memory (this node only) or redis
	 * (shared by every node on one Redis, through spring.data.redis.*).
	 */
	private Store store = Store.MEMORY;

	/**
	 * Kernel send buffer (SO_SNDBUF) of each WebSocket and SSE connection's socket; 0
	 * keeps the system's auto-tuning. Bytes a client has not read wait here outside
	 * max-queued-bytes, so a small buffer lets the queue bound and the slow-consumer
	 * policy see a lagging client sooner.
	 */
	private DataSize socketSendBuffer = DataSize.ofKilobytes(256);

	/**
	 * Most channels one connection may subscribe to.
	 */
	private int maxSubscriptions = 256;

	/**
	 * Most live connections one principal may hold; more are refused (WebSocket: error
	 * rate_limited and close 1008; SSE: HTTP 429).
	 */
	private int maxConnectionsPerPrincipal = 100;

	/**
	 * Most sessions (client ids with their acknowledged cursors) one principal may hold,
	 * connected or not; past it, the principal's session that has been without a
	 * connection the longest is dropped, and a new one is refused (rate_limited) only
	 * when all are connected.
	 */
	private int maxSessionsPerPrincipal = 1000;

	/**
	 * New authenticated connections this node accepts per second; more are refused once
	 * authenticated (WebSocket: error rate_limited and close 1008; SSE: HTTP 429).
	 * Refused authentications do not count.
	 */
	private int maxConnectionsPerSecond = 2000;

	/**
	 * Messages per second one connection may send (HTTP ack/send included); more are
	 * dropped with error rate_limited.
	 */
	private int maxInboundRate = 100;

	/**
	 * Messages a connection may send at once above its rate; this many refused in a row
	 * close the connection with 1008.
	 */
	private int maxInboundBurst = 200;

	/**
	 * Longest channel name a client may use (the protocol's grammar allows 233); longer
	 * is bad_message.
	 */
	private int maxChannelNameLength = 233;

	/**
	 * Most frames a server-side subscriber (PushServer#subscribe) may leave waiting
	 * before its Flux fails.
	 */
	private int subscriberBuffer = 10_000;

	/**
	 * Most bytes of frames that all channels together retain for replay, counted by their
	 * encoded size. Past it the oldest frames of the channels published least recently
	 * are evicted (resuming them gets resume_required).
	 */
	private DataSize maxRetainedBytes = DataSize.ofMegabytes(256);

	/**
	 * Most channel streams held at once. Past it the streams without a subscriber that
	 * were published least recently are dropped; when every stream has a subscriber, a
	 * new channel is refused with rate_limited.
	 */
	private int maxChannels = 100_000;

	/**
	 * Origins allowed to open the WebSocket and to call the SSE and HTTP endpoints
	 * (CORS), such as https://app.example.com; "*" allows any (without credentials).
	 * Empty: same origin only. Requests without an Origin header (not from a browser) are
	 * not refused for it.
	 */
	private List<String> allowedOrigins = new ArrayList<>();

	/**
	 * Whether clients without credentials are admitted, each with a principal of its own
	 * ({@code anonymous:<client id>}).
	 */
	private boolean allowAnonymous = false;

	/**
	 * Server-Sent Events and the HTTP ack/send endpoints.
	 */
	private final Sse sse = new Sse();

	/**
	 * The WebSocket endpoint.
	 */
	private final Websocket websocket = new Websocket();

	/**
	 * The browser client script (pushwire-client.js) served by the starter.
	 */
	private final BrowserClient browserClient = new BrowserClient();

	/**
	 * The Redis store (store=redis), reached through spring.data.redis.*.
	 */
	private final Redis redis = new Redis();

	/**
	 * Binary assets (PROTOCOL.md section 9).
	 */
	private final Assets assets = new Assets();

	/**
	 * Largest binary message sent whole to a client that announced "fragments"; larger
	 * ones are sent as fragments of at most this size (PROTOCOL.md §8.2). At least 1053B.
	 */
	private DataSize fragmentSize = DataSize.ofKilobytes(64);

	/**
	 * zstd compression of binary bodies of 512 bytes or more.
	 */
	private final Zstd zstd = new Zstd();

	/**
	 * The startup check of the application's SecurityWebFilterChain against the push
	 * routes.
	 */
	private final SecurityCheck securityCheck = new SecurityCheck();

	/**
	 * Channel kinds, by name ([a-z][a-z0-9_-]{0,31}; "system" is reserved). Each kind
	 * takes priority (high, normal or low; default normal), wire-id (id in binary frame
	 * headers, 0 to 255 but not 5; assigned when unset), history-size (frames kept for
	 * replay per channel; default 1024), history-ttl (oldest a kept frame may be; default
	 * 10m), subscribe (who may subscribe: authenticated, anonymous, none, owner or
	 * role:NAME; default authenticated), publish (who may send frames, which also needs a
	 * PushHandler; same rules; default authenticated), presence (whether clients may ask
	 * who is subscribed; default false) and join-leave (whether subscribers are sent join
	 * and leave as others come and go; default false). delta (none or fossil: frames
	 * after the first as Fossil deltas to WebSocket clients that ask; default none).
	 */
	private Map<String, Channel> channels = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public Duration getHeartbeat() {
		return this.heartbeat;
	}

	public void setHeartbeat(Duration heartbeat) {
		this.heartbeat = heartbeat;
	}

	public Duration getHeartbeatGrace() {
		return this.heartbeatGrace;
	}

	public void setHeartbeatGrace(Duration heartbeatGrace) {
		this.heartbeatGrace = heartbeatGrace;
	}

	public Duration getHandshakeTimeout() {
		return this.handshakeTimeout;
	}

	public void setHandshakeTimeout(Duration handshakeTimeout) {
		this.handshakeTimeout = handshakeTimeout;
	}

	public DataSize getMaxMessageSize() {
		return this.maxMessageSize;
	}

	public void setMaxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
	}

	public Duration getSessionTtl() {
		return this.sessionTtl;
	}

	public void setSessionTtl(Duration sessionTtl) {
		this.sessionTtl = sessionTtl;
	}

	public DataSize getMaxQueuedBytes() {
		return this.maxQueuedBytes;
	}

	public void setMaxQueuedBytes(DataSize maxQueuedBytes) {
		this.maxQueuedBytes = maxQueuedBytes;
	}

	public Duration getWriteTimeout() {
		return this.writeTimeout;
	}

	public void setWriteTimeout(Duration writeTimeout) {
		this.writeTimeout = writeTimeout;
	}

	public Duration getShutdownDrain() {
		return this.shutdownDrain;
	}

	public void setShutdownDrain(Duration shutdownDrain) {
		this.shutdownDrain = shutdownDrain;
	}

	public Store getStore() {
		return this.store;
	}

	public void setStore(Store store) {
		this.store = store;
	}

	public DataSize getSocketSendBuffer() {
		return this.socketSendBuffer;
	}

	public void setSocketSendBuffer(DataSize socketSendBuffer) {
		this.socketSendBuffer = socketSendBuffer;
	}

	public int getMaxSubscriptions() {
		return this.maxSubscriptions;
	}

	public void setMaxSubscriptions(int maxSubscriptions) {
		this.maxSubscriptions = maxSubscriptions;
	}

	public int getMaxConnectionsPerPrincipal() {
		return this.maxConnectionsPerPrincipal;
	}

	public void setMaxConnectionsPerPrincipal(int maxConnectionsPerPrincipal) {
		this.maxConnectionsPerPrincipal = maxConnectionsPerPrincipal;
	}

	public int getMaxSessionsPerPrincipal() {
		return this.maxSessionsPerPrincipal;
	}

	public void setMaxSessionsPerPrincipal(int maxSessionsPerPrincipal) {
		this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
	}

	public int getMaxConnectionsPerSecond() {
		return this.maxConnectionsPerSecond;
	}

	public void setMaxConnectionsPerSecond(int maxConnectionsPerSecond) {
		this.maxConnectionsPerSecond = maxConnectionsPerSecond;
	}

	public int getMaxInboundRate() {
		return this.maxInboundRate;
	}

	public void setMaxInboundRate(int maxInboundRate) {
		this.maxInboundRate = maxInboundRate;
	}

	public int getMaxInboundBurst() {
		return this.maxInboundBurst;
	}

	public void setMaxInboundBurst(int maxInboundBurst) {
		this.maxInboundBurst = maxInboundBurst;
	}

	public int getMaxChannelNameLength() {
		return this.maxChannelNameLength;
	}

	public void setMaxChannelNameLength(int maxChannelNameLength) {
		this.maxChannelNameLength = maxChannelNameLength;
	}

	public int getSubscriberBuffer() {
		return this.subscriberBuffer;
	}

	public void setSubscriberBuffer(int subscriberBuffer) {
		this.subscriberBuffer = subscriberBuffer;
	}

	public DataSize getMaxRetainedBytes() {
		return this.maxRetainedBytes;
	}

	public void setMaxRetainedBytes(DataSize maxRetainedBytes) {
		this.maxRetainedBytes = maxRetainedBytes;
	}

	public int getMaxChannels() {
		return this.maxChannels;
	}

	public void setMaxChannels(int maxChannels) {
		this.maxChannels = maxChannels;
	}

	public List<String> getAllowedOrigins() {
		return this.allowedOrigins;
	}

	public void setAllowedOrigins(List<String> allowedOrigins) {
		this.allowedOrigins = allowedOrigins;
	}

	public boolean isAllowAnonymous() {
		return this.allowAnonymous;
	}

	public void setAllowAnonymous(boolean allowAnonymous) {
		this.allowAnonymous = allowAnonymous;
	}

	public Sse getSse() {
		return this.sse;
	}

	public Websocket getWebsocket() {
		return this.websocket;
	}

	public Redis getRedis() {
		return this.redis;
	}

	public BrowserClient getBrowserClient() {
		return this.browserClient;
	}

	public Assets getAssets() {
		return this.assets;

	}

	public SecurityCheck getSecurityCheck() {
		return this.securityCheck;
	}

	public DataSize getFragmentSize() {
		return this.fragmentSize;
	}

	public void setFragmentSize(DataSize fragmentSize) {
		this.fragmentSize = fragmentSize;
	}

	public Zstd getZstd() {
		return this.zstd;
	}

	public Map<String, Channel> getChannels() {
		return this.channels;
	}

	public void setChannels(Map<String, Channel> channels) {
		this.channels = channels;
	}

	/**
	 * The browser client script.
	 */
	public static class BrowserClient {

		/**
		 * Whether the browser client, pushwire-client.js, is served (without credentials,
		 * cacheable with an ETag).
		 */
		private boolean enabled = true;

		/**
		 * Path the browser client is served at; empty for "client.js" under
		 * pushwire.server.path (/rps/client.js by default).
		 */
		private String path = "";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

		/**
		 * The path the script is served at, {@code null} when it is not served.
		 * @param basePath the server's base path
		 * @return the script's path or {@code null}
		 */
		public @Nullable String resolvePath(String basePath) {
			if (!this.enabled) {
				return null;
			}
			String resolved = (this.path == null || this.path.isEmpty()) ? basePath + "/client.js" : this.path;
			if (!resolved.startsWith("/") || resolved.endsWith("/") || resolved.contains("*")) {
				throw new InvalidPushwirePropertyException("pushwire.server.browser-client.path", resolved,
						"must start with '/' and not end with '/', like /rps/client.js");
			}
			return resolved;
		}

	}

	/**
	 * Server-Sent Events settings.
	 */
	public static class Sse {

		/**
		 * Whether the SSE stream and the HTTP ack/send endpoints are served.
		 */
		private boolean enabled = true;

		/**
		 * Reconnection delay the stream tells browsers (its first "retry:" line).
		 */
		private Duration retry = Duration.ofSeconds(2);

		/**
		 * Whether a "token" query parameter authenticates SSE streams and the HTTP ack
		 * and send requests (not the WebSocket: see websocket.allow-query-token).
		 * Browsers' EventSource cannot set headers, so this is on by default; tokens in
		 * URLs can end up in proxy and access logs, so use short-lived tokens, or turn
		 * this off where clients can send an Authorization header or a session cookie.
		 */
		private boolean allowQueryToken = true;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getRetry() {
			return this.retry;
		}

		public void setRetry(Duration retry) {
			this.retry = retry;
		}

		public boolean isAllowQueryToken() {
			return this.allowQueryToken;
		}

		public void setAllowQueryToken(boolean allowQueryToken) {
			this.allowQueryToken = allowQueryToken;
		}

	}

	/**
	 * WebSocket settings.
	 */
	public static class Websocket {

		/**
		 * Whether a "token" query parameter of the upgrade URL authenticates a WebSocket
		 * whose auth message carries no token. Off by default: browsers send the token in
		 * the auth message, and tokens in URLs can end up in proxy and access logs. SSE
		 * has its own switch, sse.allow-query-token.
		 */
		private boolean allowQueryToken = false;

		public boolean isAllowQueryToken() {
			return this.allowQueryToken;
		}

		public void setAllowQueryToken(boolean allowQueryToken) {
			this.allowQueryToken = allowQueryToken;
		}

	}

	/**
	 * The Redis store's settings (store=redis).
	 */
	public static class Redis {

		/**
		 * What every Redis key and pub/sub channel of the server starts with, so that
		 * several applications can share one Redis. Must not contain '{' or '}' (each
		 * channel's keys use the channel as hash tag).
		 */
		private String keyPrefix = "pushwire:";

		/**
		 * How long a Redis command of the publishing and subscribing path may take before
		 * the publish or subscribe answers "unavailable" (HTTP 503), instead of Lettuce's
		 * own command timeout (spring.data.redis.timeout, 60 s by default).
		 */
		private Duration commandTimeout = Duration.ofSeconds(2);

		/**
		 * How often a node compares the head of each channel it has subscribers for with
		 * what it delivered, and reads a frame whose pub/sub message it missed (Redis or
		 * the connection was down) from the channel's stream. One HMGET per channel with
		 * local subscribers per interval.
		 */
		private Duration catchUpInterval = Duration.ofSeconds(1);

		/**
		 * How long a channel's stream and meta stay in Redis after its last publish (at
		 * least the kind's history-ttl). A channel whose keys expired starts again with a
		 * new epoch, so its resuming clients get resume_required.
		 */
		private Duration streamExpiry = Duration.ofDays(1);

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

		public Duration getCatchUpInterval() {
			return this.catchUpInterval;
		}

		public void setCatchUpInterval(Duration catchUpInterval) {
			this.catchUpInterval = catchUpInterval;
		}

		public Duration getStreamExpiry() {
			return this.streamExpiry;
		}

		public void setStreamExpiry(Duration streamExpiry) {
			this.streamExpiry = streamExpiry;
		}

		// Sessions and presence across nodes

		/**
		 * How often each node renews its lease in Redis and looks for nodes whose lease
		 * ran out (they died without cleaning up: their sessions are detached and their
		 * presence memberships removed, with leave announcements).
		 */
		private Duration nodeHeartbeat = Duration.ofSeconds(1);

		/**
		 * How long a node's lease lasts; at least twice node-heartbeat. A node that dies
		 * is cleaned up within node-ttl + node-heartbeat. Also the bound of one Redis
		 * operation of the sessions and presence.
		 */
		private Duration nodeTtl = Duration.ofSeconds(5);

		public Duration getNodeHeartbeat() {
			return this.nodeHeartbeat;
		}

		public void setNodeHeartbeat(Duration nodeHeartbeat) {
			this.nodeHeartbeat = nodeHeartbeat;
		}

		public Duration getNodeTtl() {
			return this.nodeTtl;
		}

		public void setNodeTtl(Duration nodeTtl) {
			this.nodeTtl = nodeTtl;
		}

		// End of sessions and presence across nodes

		// Classic or sharded pub/sub

		/**
		 * Which Redis pub/sub carries live frames between nodes: 'auto' (sharded
		 * SPUBLISH/SSUBSCRIBE where the connection factory is Lettuce's and the server
		 * runs it, Redis 7 or later; classic otherwise), 'classic' (PUBLISH/SUBSCRIBE) or
		 * 'sharded' (the application does not start without it). Every node sharing a
		 * Redis must end up with the same one.
		 */
		private RedisStoreSettings.PubSub pubSub = RedisStoreSettings.PubSub.AUTO;

		public RedisStoreSettings.PubSub getPubSub() {
			return this.pubSub;
		}

		public void setPubSub(RedisStoreSettings.PubSub pubSub) {
			this.pubSub = pubSub;
		}

		// End of classic or sharded pub/sub

	}

	/**
	 * zstd compression of binary bodies.
	 */
	public static class Zstd {

		/**
		 * A zstd dictionary trained on typical bodies ("zstd --train"), used to compress
		 * and decompress bodies; its id is announced in auth_ok.features as
		 * "zstd:dict:ID". None by default.
		 */
		private @Nullable Resource dictionary;

		public @Nullable Resource getDictionary() {
			return this.dictionary;
		}

		public void setDictionary(@Nullable Resource dictionary) {
			this.dictionary = dictionary;
		}

	}

	/**
	 * A channel kind's configuration.
	 */
	public static class Channel {

		/**
		 * Delivery priority: high, normal or low.
		 */
		private Priority priority = Priority.NORMAL;

		/**
		 * Id of the kind in binary frame headers, 0 to 255 (5 is system's); assigned when
		 * unset.
		 */
		private @Nullable Integer wireId;

		/**
		 * Most frames each channel of this kind keeps for replay.
		 */
		private int historySize = 1024;

		/**
		 * Oldest a frame kept for replay may be.
		 */
		private Duration historyTtl = Duration.ofMinutes(10);

		/**
		 * Who may subscribe: authenticated, anonymous (anyone), none, owner (topic equals
		 * the principal's name) or role:NAME.
		 */
		private String subscribe = "authenticated";

		/**
		 * Who may send frames on the kind (a @PushHandler must also exist):
		 * authenticated, anonymous, none, owner or role:NAME.
		 */
		private String publish = "authenticated";

		/**
		 * Whether clients that may subscribe to a channel of this kind may ask who is
		 * subscribed to it (the presence op) and PushServer.presence lists them.
		 */
		private boolean presence = false;

		/**
		 * Whether every subscriber of a channel of this kind is sent a join when another
		 * client subscribes to it and a leave when that client unsubscribes or its last
		 * connection ends.
		 */
		private boolean joinLeave = false;

		/**
		 * Delta updates: none, or fossil to send WebSocket clients that ask for it each
		 * frame after the first as a Fossil delta against the previous payload.
		 */
		private DeltaMode delta = DeltaMode.NONE;

		public DeltaMode getDelta() {
			return this.delta;
		}

		public void setDelta(DeltaMode delta) {
			this.delta = delta;
		}

		public boolean isPresence() {
			return this.presence;
		}

		public void setPresence(boolean presence) {
			this.presence = presence;
		}

		public boolean isJoinLeave() {
			return this.joinLeave;
		}

		public void setJoinLeave(boolean joinLeave) {
			this.joinLeave = joinLeave;
		}

		public Priority getPriority() {
			return this.priority;
		}

		public void setPriority(Priority priority) {
			this.priority = priority;
		}

		public @Nullable Integer getWireId() {
			return this.wireId;
		}

		public void setWireId(@Nullable Integer wireId) {
			this.wireId = wireId;
		}

		public int getHistorySize() {
			return this.historySize;
		}

		public void setHistorySize(int historySize) {
			this.historySize = historySize;
		}

		public Duration getHistoryTtl() {
			return this.historyTtl;
		}

		public void setHistoryTtl(Duration historyTtl) {
			this.historyTtl = historyTtl;
		}

		public String getSubscribe() {
			return this.subscribe;
		}

		public void setSubscribe(String subscribe) {
			this.subscribe = subscribe;
		}

		public String getPublish() {
			return this.publish;
		}

		public void setPublish(String publish) {
			this.publish = publish;
		}

	}

	/**
	 * Binary assets: how they travel and where their bytes are kept.
	 */
	public static class Assets {

		/**
		 * The largest asset sent inline (base64 in the frame); larger ones are stored and
		 * sent by pointer.
		 */
		private DataSize inlineLimit = DataSize.ofKilobytes(256);

		/**
		 * The largest asset accepted; larger ones are refused with too_large.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(16);

		/**
		 * The MIME types accepted, compared without parameters and case-insensitively;
		 * others are refused with unsupported_media_type.
		 */
		private List<String> allowedTypes = new ArrayList<>(
				List.of("image/png", "image/jpeg", "image/webp", "image/gif"));

		/**
		 * The most bytes of pointer assets the node keeps (in memory or in the
		 * directory). When full, assets that no frame in a replay window refers to are
		 * deleted; when that is not enough, the publish fails with unavailable. At least
		 * max-size.
		 */
		private DataSize maxStoredBytes = DataSize.ofMegabytes(256);

		/**
		 * A directory to keep the bytes of pointer assets in, off the heap; unset: in
		 * memory. Asset files of an earlier run are deleted at start.
		 */
		private @Nullable String directory;

		public DataSize getInlineLimit() {
			return this.inlineLimit;
		}

		public void setInlineLimit(DataSize inlineLimit) {
			this.inlineLimit = inlineLimit;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public List<String> getAllowedTypes() {
			return this.allowedTypes;
		}

		public void setAllowedTypes(List<String> allowedTypes) {
			this.allowedTypes = allowedTypes;
		}

		public DataSize getMaxStoredBytes() {
			return this.maxStoredBytes;
		}

		public void setMaxStoredBytes(DataSize maxStoredBytes) {
			this.maxStoredBytes = maxStoredBytes;
		}

		public @Nullable String getDirectory() {
			return this.directory;
		}

		public void setDirectory(@Nullable String directory) {
			this.directory = directory;
		}

	}

	/**
	 * The startup check of the application's SecurityWebFilterChain against the push
	 * routes (docs/security.md).
	 */
	public static class SecurityCheck {

		/**
		 * What to do when the application's SecurityWebFilterChain refuses a request
		 * without credentials to a push route (WebSocket, SSE, ack, send, assets, browser
		 * client) before pushwire sees it: warn (one WARN at startup), fail (startup
		 * fails with a report naming the routes), or off (no check, for a chain that
		 * means to require HTTP authentication there).
		 */
		private Mode mode = Mode.WARN;

		public Mode getMode() {
			return this.mode;
		}

		public void setMode(Mode mode) {
			this.mode = mode;
		}

		/**
		 * What the check does with a refused route.
		 */
		public enum Mode {

			/**
			 * Log one WARN naming the routes and the fix.
			 */
			WARN,

			/**
			 * Fail startup with a report naming the routes and the fix.
			 */
			FAIL,

			/**
			 * Do not check.
			 */
			OFF

		}

	}

	/**
	 * Where a server keeps its channel streams, sessions and presence.
	 */
	public enum Store {

		/**
		 * In this node's memory.
		 */
		MEMORY,

		/**
		 * In Redis, shared by every node.
		 */
		REDIS

	}

}

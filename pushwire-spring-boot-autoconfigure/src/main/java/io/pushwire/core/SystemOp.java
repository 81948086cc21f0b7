package io.pushwire.core;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.NullNode;

/**
 * The system ops of PROTOCOL.md §3.2, tagged on the wire by {@code type}. Collections are
 * never {@code null}: a missing or {@code null} key decodes to an empty collection.
 *
 * @since 0.1.0
 */
public sealed interface SystemOp extends PushMessage {

	/**
	 * The op's {@code type} on the wire.
	 * @return the snake_case type
	 */
	String type();

	/**
	 * Which way the op travels (PROTOCOL.md §3.2); the one fact each op declares, from
	 * which {@link #sentByClient()} and {@link #sentByServer()} follow.
	 * @return the op's direction
	 */
	Direction direction();

	/**
	 * Whether a client may send this op.
	 * @return {@code true} for ops that travel client to server
	 */
	default boolean sentByClient() {
		return direction().fromClient();
	}

	/**
	 * Whether a server may send this op.
	 * @return {@code true} for ops that travel server to client
	 */
	default boolean sentByServer() {
		return direction().fromServer();
	}

	/**
	 * The way a system op travels.
	 *
	 * @since 0.1.0
	 */
	enum Direction {

		/** Sent by clients only, such as {@code auth} and {@code subscribe}. */
		CLIENT_TO_SERVER(true, false),

		/** Sent by servers only, such as {@code auth_ok} and {@code error}. */
		SERVER_TO_CLIENT(false, true),

		/** Sent either way, such as {@code ping} and {@code goodbye}. */
		BOTH(true, true);

		private final boolean fromClient;

		private final boolean fromServer;

		Direction(boolean fromClient, boolean fromServer) {
			this.fromClient = fromClient;
			this.fromServer = fromServer;
		}

		/**
		 * Whether a client may send an op of this direction.
		 * @return {@code true} for {@link #CLIENT_TO_SERVER} and {@link #BOTH}
		 */
		public boolean fromClient() {
			return this.fromClient;
		}

		/**
		 * Whether a server may send an op of this direction.
		 * @return {@code true} for {@link #SERVER_TO_CLIENT} and {@link #BOTH}
		 */
		public boolean fromServer() {
			return this.fromServer;
		}

	}

	/**
	 * {@code auth}: the first message on a WebSocket.
	 *
	 * @param clientId the client's id, or {@code null} to be given one
	 * @param token a bearer token, or {@code null}
	 * @param capabilities the channels to subscribe to
	 * @param resumeCursors per channel, the last processed cursor
	 * @param resumeEpochs per channel, the epoch of that cursor
	 * @param resumeCursor the older single cursor for channels without an entry in
	 * {@code resumeCursors}
	 * @param sessionSecret the secret an anonymous session was given in its first
	 * {@code auth_ok} (PROTOCOL.md §7), or {@code null}
	 * @param features what the client accepts, such as {@code fragments} (PROTOCOL.md
	 * §8.2)
	 * @param delta per channel (or channel kind), the delta encoding the client asks for,
	 * {@code fossil} (PROTOCOL.md §8.3)
	 */
	record Auth(@Nullable String clientId, @Nullable String token, List<String> capabilities,
			Map<String, Long> resumeCursors, Map<String, String> resumeEpochs, @Nullable Long resumeCursor,
			@Nullable String sessionSecret, List<String> features, Map<String, String> delta) implements SystemOp {

		public Auth {
			capabilities = List.copyOf(capabilities);
			resumeCursors = Map.copyOf(resumeCursors);
			resumeEpochs = Map.copyOf(resumeEpochs);
			features = List.copyOf(features);
			delta = Map.copyOf(delta);
		}

		/**
		 * An {@code auth} that asks for no delta updates.
		 * @param clientId the client's id, or {@code null} to be given one
		 * @param token a bearer token, or {@code null}
		 * @param capabilities the channels to subscribe to
		 * @param resumeCursors per channel, the last processed cursor
		 * @param resumeEpochs per channel, the epoch of that cursor
		 * @param resumeCursor the older single cursor
		 * @param sessionSecret the anonymous session's secret, or {@code null}
		 * @param features what the client accepts
		 */
		public Auth(@Nullable String clientId, @Nullable String token, List<String> capabilities,
				Map<String, Long> resumeCursors, Map<String, String> resumeEpochs, @Nullable Long resumeCursor,
				@Nullable String sessionSecret, List<String> features) {
			this(clientId, token, capabilities, resumeCursors, resumeEpochs, resumeCursor, sessionSecret, features,
					Map.of());
		}

		/**
		 * An {@code auth} that announces no features.
		 * @param clientId the client's id, or {@code null} to be given one
		 * @param token a bearer token, or {@code null}
		 * @param capabilities the channels to subscribe to
		 * @param resumeCursors per channel, the last processed cursor
		 * @param resumeEpochs per channel, the epoch of that cursor
		 * @param resumeCursor the older single cursor
		 * @param sessionSecret the anonymous session's secret, or {@code null}
		 */
		public Auth(@Nullable String clientId, @Nullable String token, List<String> capabilities,
				Map<String, Long> resumeCursors, Map<String, String> resumeEpochs, @Nullable Long resumeCursor,
				@Nullable String sessionSecret) {
			this(clientId, token, capabilities, resumeCursors, resumeEpochs, resumeCursor, sessionSecret, List.of());
		}

		/**
		 * An {@code auth} without a session secret.
		 * @param clientId the client's id, or {@code null} to be given one
		 * @param token a bearer token, or {@code null}
		 * @param capabilities the channels to subscribe to
		 * @param resumeCursors per channel, the last processed cursor
		 * @param resumeEpochs per channel, the epoch of that cursor
		 * @param resumeCursor the older single cursor
		 */
		public Auth(@Nullable String clientId, @Nullable String token, List<String> capabilities,
				Map<String, Long> resumeCursors, Map<String, String> resumeEpochs, @Nullable Long resumeCursor) {
			this(clientId, token, capabilities, resumeCursors, resumeEpochs, resumeCursor, null);
		}

		@Override
		public String type() {
			return "auth";
		}

		@Override
		public Direction direction() {
			return Direction.CLIENT_TO_SERVER;
		}

		@Override
		public String toString() {
			return "Auth[clientId=" + this.clientId + ", token=" + ((this.token != null) ? "<redacted>" : null)
					+ ", capabilities=" + this.capabilities + ", resumeCursors=" + this.resumeCursors
					+ ", resumeEpochs=" + this.resumeEpochs + ", resumeCursor=" + this.resumeCursor + ", sessionSecret="
					+ ((this.sessionSecret != null) ? "<redacted>" : null) + ", features=" + this.features + "]";
		}

	}

	/**
	 * {@code auth_ok}: the handshake was accepted; replay follows.
	 *
	 * @param clientId the client's id
	 * @param resumeCursors per granted channel, the cursor after which frames follow
	 * @param heads per granted channel, the newest cursor
	 * @param epochs per granted channel, the epoch
	 * @param heartbeatMs the server's heartbeat interval
	 * @param features what the server supports
	 * @param expiresAtMs when the credentials expire (Unix milliseconds), or {@code null}
	 * when they do not (PROTOCOL.md §7.1)
	 * @param sessionSecret for an anonymous session only: the secret a later
	 * {@code auth}, SSE stream or HTTP call naming this client id must present
	 * (PROTOCOL.md §7), or {@code null}
	 * @param wireIds on a binary connection, the wire id of every kind and of
	 * {@code system} (PROTOCOL.md §8.1); empty otherwise
	 */
	record AuthOk(String clientId, Map<String, Long> resumeCursors, Map<String, Long> heads, Map<String, String> epochs,
			long heartbeatMs, List<String> features, @Nullable Long expiresAtMs, @Nullable String sessionSecret,
			Map<String, Long> wireIds) implements SystemOp {

		public AuthOk {
			resumeCursors = Map.copyOf(resumeCursors);
			heads = Map.copyOf(heads);
			epochs = Map.copyOf(epochs);
			features = List.copyOf(features);
			wireIds = Map.copyOf(wireIds);
		}

		/**
		 * An {@code auth_ok} for a JSON connection, without wire ids.
		 * @param clientId the client's id
		 * @param resumeCursors per granted channel, the cursor after which frames follow
		 * @param heads per granted channel, the newest cursor
		 * @param epochs per granted channel, the epoch
		 * @param heartbeatMs the server's heartbeat interval
		 * @param features what the server supports
		 * @param expiresAtMs when the credentials expire, or {@code null}
		 * @param sessionSecret the anonymous session's secret, or {@code null}
		 */
		public AuthOk(String clientId, Map<String, Long> resumeCursors, Map<String, Long> heads,
				Map<String, String> epochs, long heartbeatMs, List<String> features, @Nullable Long expiresAtMs,
				@Nullable String sessionSecret) {
			this(clientId, resumeCursors, heads, epochs, heartbeatMs, features, expiresAtMs, sessionSecret, Map.of());
		}

		/**
		 * An {@code auth_ok} without expiry or session secret.
		 * @param clientId the client's id
		 * @param resumeCursors per granted channel, the cursor after which frames follow
		 * @param heads per granted channel, the newest cursor
		 * @param epochs per granted channel, the epoch
		 * @param heartbeatMs the server's heartbeat interval
		 * @param features what the server supports
		 */
		public AuthOk(String clientId, Map<String, Long> resumeCursors, Map<String, Long> heads,
				Map<String, String> epochs, long heartbeatMs, List<String> features) {
			this(clientId, resumeCursors, heads, epochs, heartbeatMs, features, null, null);
		}

		@Override
		public String toString() {
			return "AuthOk[clientId=" + this.clientId + ", resumeCursors=" + this.resumeCursors + ", heads="
					+ this.heads + ", epochs=" + this.epochs + ", heartbeatMs=" + this.heartbeatMs + ", features="
					+ this.features + ", expiresAtMs=" + this.expiresAtMs + ", sessionSecret="
					+ ((this.sessionSecret != null) ? "<redacted>" : null) + ", wireIds=" + this.wireIds + "]";
		}

		@Override
		public String type() {
			return "auth_ok";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code subscribe}: add channels, optionally resuming each from a cursor.
	 *
	 * @param channels the channels
	 * @param cursors per channel, the last processed cursor
	 * @param epochs per channel, the epoch of that cursor
	 * @param delta per channel (or channel kind), the delta encoding the client asks for,
	 * {@code fossil} (PROTOCOL.md §8.3)
	 */
	record Subscribe(List<String> channels, Map<String, Long> cursors, Map<String, String> epochs,
			Map<String, String> delta) implements SystemOp {

		public Subscribe {
			channels = List.copyOf(channels);
			cursors = Map.copyOf(cursors);
			epochs = Map.copyOf(epochs);
			delta = Map.copyOf(delta);
		}

		/**
		 * A {@code subscribe} that asks for no delta updates.
		 * @param channels the channels
		 * @param cursors per channel, the last processed cursor
		 * @param epochs per channel, the epoch of that cursor
		 */
		public Subscribe(List<String> channels, Map<String, Long> cursors, Map<String, String> epochs) {
			this(channels, cursors, epochs, Map.of());
		}

		@Override
		public String type() {
			return "subscribe";
		}

		@Override
		public Direction direction() {
			return Direction.CLIENT_TO_SERVER;
		}

	}

	/**
	 * {@code subscribed}: confirms a {@code subscribe}.
	 *
	 * @param channels the channels granted
	 * @param heads per channel, the cursor after which frames follow
	 * @param epochs per channel, the epoch
	 */
	record Subscribed(List<String> channels, Map<String, Long> heads, Map<String, String> epochs) implements SystemOp {

		public Subscribed {
			channels = List.copyOf(channels);
			heads = Map.copyOf(heads);
			epochs = Map.copyOf(epochs);
		}

		@Override
		public String type() {
			return "subscribed";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code unsubscribe}: remove channels.
	 *
	 * @param channels the channels
	 */
	record Unsubscribe(List<String> channels) implements SystemOp {

		public Unsubscribe {
			channels = List.copyOf(channels);
		}

		@Override
		public String type() {
			return "unsubscribe";
		}

		@Override
		public Direction direction() {
			return Direction.CLIENT_TO_SERVER;
		}

	}

	/**
	 * {@code unsubscribed}: confirms an {@code unsubscribe}.
	 *
	 * @param channels the channels removed
	 */
	record Unsubscribed(List<String> channels) implements SystemOp {

		public Unsubscribed {
			channels = List.copyOf(channels);
		}

		@Override
		public String type() {
			return "unsubscribed";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code ack}: the client processed a channel up to a cursor.
	 *
	 * @param channel the channel
	 * @param cursor the cursor
	 */
	record Ack(String channel, long cursor) implements SystemOp {

		@Override
		public String type() {
			return "ack";
		}

		@Override
		public Direction direction() {
			return Direction.CLIENT_TO_SERVER;
		}

	}

	/**
	 * {@code resume_required}: the asked resume point is gone; replay starts at
	 * {@code fromCursor}.
	 *
	 * @param channel the channel
	 * @param fromCursor the first cursor replayed
	 * @param epoch the channel's current epoch
	 */
	record ResumeRequired(String channel, long fromCursor, String epoch) implements SystemOp {

		@Override
		public String type() {
			return "resume_required";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/** {@code ping}: a liveness probe; the peer answers {@code pong}. */
	record Ping() implements SystemOp {

		@Override
		public String type() {
			return "ping";
		}

		@Override
		public Direction direction() {
			return Direction.BOTH;
		}

	}

	/** {@code pong}: the answer to {@code ping}. */
	record Pong() implements SystemOp {

		@Override
		public String type() {
			return "pong";
		}

		@Override
		public Direction direction() {
			return Direction.BOTH;
		}

	}

	/**
	 * {@code slow}: the client's outbound queue is past half full.
	 *
	 * @param window the queue's free bytes, or {@code null}
	 */
	record Slow(@Nullable Long window) implements SystemOp {

		@Override
		public String type() {
			return "slow";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code error}: a request failed; the connection stays open unless a {@code goodbye}
	 * follows.
	 *
	 * @param code the error code's wire name (see {@link ErrorCode})
	 * @param message what went wrong and what to do
	 * @param channel the channel concerned, or {@code null}
	 */
	record Error(String code, String message, @Nullable String channel) implements SystemOp {

		/**
		 * Create an error op.
		 * @param code the code
		 * @param message the message
		 * @param channel the channel or {@code null}
		 * @return the op
		 */
		public static Error of(ErrorCode code, String message, @Nullable String channel) {
			return new Error(code.wireName(), message, channel);
		}

		@Override
		public String type() {
			return "error";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code goodbye}: the sender is about to close.
	 *
	 * @param reason one of the reasons of §3.3, or {@code null}
	 * @param code the close code that follows, or {@code null}
	 */
	record Goodbye(@Nullable String reason, @Nullable Integer code) implements SystemOp {

		/**
		 * The goodbye announcing a close.
		 * @param reason the close reason
		 * @return the op
		 */
		public static Goodbye of(CloseReason reason) {
			return new Goodbye(reason.reason(), reason.code());
		}

		@Override
		public String type() {
			return "goodbye";
		}

		@Override
		public Direction direction() {
			return Direction.BOTH;
		}

	}

	/**
	 * {@code features}: feature negotiation (§8).
	 *
	 * @param supported what the sender supports (or, from the server, turned on)
	 * @param requested what the sender asks for
	 */
	record Features(List<String> supported, List<String> requested) implements SystemOp {

		public Features {
			supported = List.copyOf(supported);
			requested = List.copyOf(requested);
		}

		@Override
		public String type() {
			return "features";
		}

		@Override
		public Direction direction() {
			return Direction.BOTH;
		}

	}

	/**
	 * {@code health}: the server's health.
	 *
	 * @param status {@code ok}, {@code degraded} or {@code draining}
	 * @param detail more about it, or {@code null}
	 */
	record Health(String status, @Nullable String detail) implements SystemOp {

		@Override
		public String type() {
			return "health";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code relay}: send to one peer through the server (§10).
	 *
	 * @param to the peer's client id
	 * @param channel the channel
	 * @param payload the content
	 */
	record Relay(String to, String channel, JsonNode payload) implements SystemOp {

		public Relay {
			payload = (payload != null) ? payload : NullNode.getInstance();
		}

		@Override
		public String type() {
			return "relay";
		}

		@Override
		public Direction direction() {
			return Direction.CLIENT_TO_SERVER;
		}

	}

	/**
	 * {@code mode_switch}: the route to a peer changed (§10).
	 *
	 * @param peerId the peer
	 * @param mode the new mode
	 * @param previousMode the old mode
	 * @param reason why
	 * @param generation a number that only grows
	 */
	record ModeSwitch(String peerId, String mode, String previousMode, String reason,
			long generation) implements SystemOp {

		@Override
		public String type() {
			return "mode_switch";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code refresh}: new credentials for the same principal, sent before the current
	 * ones expire (PROTOCOL.md §7.1).
	 *
	 * @param token the new bearer token
	 */
	record Refresh(String token) implements SystemOp {

		@Override
		public String type() {
			return "refresh";
		}

		@Override
		public Direction direction() {
			return Direction.CLIENT_TO_SERVER;
		}

		@Override
		public String toString() {
			return "Refresh[token=<redacted>]";
		}

	}

	/**
	 * {@code refreshed}: the credentials of a {@code refresh} are in force.
	 *
	 * @param expiresAtMs when they expire (Unix milliseconds), or {@code null} when they
	 * do not
	 */
	record Refreshed(@Nullable Long expiresAtMs) implements SystemOp {

		@Override
		public String type() {
			return "refreshed";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code presence}: who is subscribed to a channel (PROTOCOL.md §12).
	 *
	 * @param channel the channel
	 * @since 0.2.0
	 */
	record Presence(String channel) implements SystemOp {

		@Override
		public String type() {
			return "presence";
		}

		@Override
		public Direction direction() {
			return Direction.CLIENT_TO_SERVER;
		}

	}

	/**
	 * One client in a {@code presence_list}.
	 *
	 * @param clientId the client's id
	 * @param user its principal's name
	 * @since 0.2.0
	 */
	record PresenceEntry(String clientId, String user) {

	}

	/**
	 * {@code presence_list}: the answer to {@code presence}.
	 *
	 * @param channel the channel
	 * @param clients every client subscribed to it
	 * @since 0.2.0
	 */
	record PresenceList(String channel, List<PresenceEntry> clients) implements SystemOp {

		public PresenceList {
			clients = (clients != null) ? List.copyOf(clients) : List.of();
		}

		@Override
		public String type() {
			return "presence_list";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code join}: a client subscribed to a channel whose kind announces joins
	 * (PROTOCOL.md §12).
	 *
	 * @param channel the channel
	 * @param clientId the client that joined
	 * @param user its principal's name
	 * @since 0.2.0
	 */
	record Join(String channel, String clientId, String user) implements SystemOp {

		@Override
		public String type() {
			return "join";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

	/**
	 * {@code leave}: a client unsubscribed from a channel whose kind announces joins, or
	 * its last connection to it ended (PROTOCOL.md §12).
	 *
	 * @param channel the channel
	 * @param clientId the client that left
	 * @param user its principal's name
	 * @since 0.2.0
	 */
	record Leave(String channel, String clientId, String user) implements SystemOp {

		@Override
		public String type() {
			return "leave";
		}

		@Override
		public Direction direction() {
			return Direction.SERVER_TO_CLIENT;
		}

	}

}

package io.pushwire.server.connection;

import java.security.Principal;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import io.pushwire.core.Frame;
import io.pushwire.core.ResumeToken;
import io.pushwire.server.PushSession;

/**
 * Where sessions live (PROTOCOL.md §7): a client id bound to the principal that created
 * it, the secret of an anonymous session, the cursors the client acknowledged per
 * channel, the connection attached now (a new one replaces it), and the bound of
 * {@code max-sessions-per-principal}. The default, {@link InMemorySessionRegistry}, keeps
 * them in this JVM; a registry shared by several nodes (Redis) implements this interface
 * and nothing above it changes.
 * <p>
 * The operations a shared registry performs as I/O (attaching, looking up, acknowledging,
 * counting) answer with a {@code Mono}; a registry that completes them at once returns
 * completed ones, and acknowledging, which a client with {@code ack: auto} does on every
 * frame, must then allocate nothing beyond the recorded position. Binding a session to
 * this node's connection object and listing this node's connections stay synchronous:
 * they are about this node only.
 *
 * @since 0.1.0
 */
public interface SessionRegistry {

	/**
	 * Attach a connection of this node to the session of its client id, creating the
	 * session if needed. A new session of an anonymous principal gets a session secret,
	 * which every later use of the session must present. The session answered holds the
	 * positions acknowledged so far (wherever they were acknowledged), which a
	 * subscription without a cursor of its own resumes from; a connection it replaced on
	 * another node is closed there with 4009.
	 * @param clientId the client id
	 * @param principal the connection's principal
	 * @param connection the connection
	 * @param sessionSecret the secret the client presented, or {@code null}
	 * @return the session, the connection it replaced (if any) and the secret of a
	 * session created now; an error {@link io.pushwire.core.ProtocolException}
	 * {@code forbidden} when the client id is bound to another principal or the secret of
	 * an anonymous session is missing or wrong, {@code rate_limited} when the principal
	 * holds {@code max-sessions-per-principal} sessions and all of them are connected
	 */
	Mono<Attached> attach(String clientId, Principal principal, ClientConnection connection,
			@Nullable String sessionSecret);

	/**
	 * Look up a session for a principal (HTTP ack and send).
	 * @param clientId the client id
	 * @param principal the caller
	 * @param sessionSecret the secret the caller presented, or {@code null}
	 * @return the session; an error {@link io.pushwire.core.ProtocolException}
	 * {@code not_connected} when there is none, {@code forbidden} when it belongs to
	 * another principal or the secret of an anonymous session is missing or wrong
	 */
	Mono<DefaultPushSession> require(String clientId, Principal principal, @Nullable String sessionSecret);

	/**
	 * A session by client id, wherever it is held.
	 * @param clientId the client id
	 * @return the session, or empty when there is none
	 */
	Mono<DefaultPushSession> find(String clientId);

	/**
	 * A session this node holds, without I/O: for the in-memory registry every session,
	 * for a shared one those whose client is (or was last) connected to this node.
	 * @param clientId the client id
	 * @return the session or {@code null}
	 */
	@Nullable DefaultPushSession local(String clientId);

	/**
	 * Record an acknowledgement (PROTOCOL.md §5.3), already checked against the stream:
	 * acks never go backwards within an epoch, and an ack of a new epoch replaces the old
	 * one.
	 * @param session the session
	 * @param channel the channel
	 * @param cursor the cursor processed
	 * @param epoch the epoch the cursor belongs to
	 * @return completes when recorded
	 */
	Mono<Void> acknowledge(DefaultPushSession session, String channel, long cursor, String epoch);

	/**
	 * The acknowledged position of a channel, for a resume without a cursor of its own.
	 * @param session the session
	 * @param channel the channel
	 * @return the position, or empty when none was acknowledged
	 */
	default Mono<ResumeToken.Position> acknowledged(DefaultPushSession session, String channel) {
		return Mono.justOrEmpty(session.acknowledged(channel));
	}

	/**
	 * How many sessions a principal holds (the count {@code max-sessions-per-principal}
	 * bounds).
	 * @param principalName the principal's name
	 * @return the count
	 */
	Mono<Integer> sessionCount(String principalName);

	/**
	 * Detach a connection of this node from its session, starting the session's TTL;
	 * nothing happens when another connection replaced it meanwhile.
	 * @param session the session
	 * @param connection the connection
	 */
	void detach(DefaultPushSession session, ClientConnection connection);

	/**
	 * The sessions with a connection on this node.
	 * @return a snapshot
	 */
	List<DefaultPushSession> connected();

	/**
	 * The sessions this node holds (see {@link #local}).
	 * @return a snapshot
	 */
	Collection<DefaultPushSession> sessions();

	/**
	 * Hand a transient frame to the node where a client is connected, when that is not
	 * this node ({@code PushServer.sendTo} across nodes). A registry of one node has no
	 * other node to hand it to.
	 * @param clientId the client id
	 * @param frame the frame
	 * @return {@code true} when a node that holds the client's connection took the frame
	 */
	default Mono<Boolean> forward(String clientId, Frame frame) {
		return Mono.just(false);
	}

	/**
	 * The sessions with a connection on any node.
	 * @return a snapshot; by default those of {@link #connected()}
	 */
	default Mono<List<PushSession>> connectedEverywhere() {
		return Mono.fromSupplier(() -> List.copyOf(connected()));
	}

	/**
	 * The result of attaching a connection.
	 *
	 * @param session the session
	 * @param replaced the connection of this node that had the client id until now, or
	 * {@code null}
	 * @param newSessionSecret the secret of an anonymous session created by this
	 * attachment, for its first {@code auth_ok}; {@code null} otherwise
	 */
	record Attached(DefaultPushSession session, @Nullable ClientConnection replaced,
			@Nullable String newSessionSecret) {

		/**
		 * The result of attaching a connection to a session without a new secret.
		 * @param session the session
		 * @param replaced the connection that had the client id until now, or
		 * {@code null}
		 */
		public Attached(DefaultPushSession session, @Nullable ClientConnection replaced) {
			this(session, replaced, null);
		}

	}

}

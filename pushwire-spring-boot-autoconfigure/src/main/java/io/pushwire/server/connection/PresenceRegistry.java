package io.pushwire.server.connection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.SystemOp;

/**
 * Who is subscribed to the channels of kinds with presence or join-leave, on this node
 * (PROTOCOL.md §12), and the announcement of their {@code join} and {@code leave}.
 * <p>
 * A member is a client id on a channel, held by one or more {@link Holder}s (its
 * connections: two only while a replaced connection has not ended yet). A client joins
 * when its first holder is added and leaves when its last one is removed; removing a
 * holder twice is harmless, so that a connection's end may be reported more than once.
 * State lives only as long as subscriptions: a channel without members has no entry, and
 * a connection holds at most {@code max-subscriptions} channels. Announcements are
 * encoded once and queued for every other member's holders outside any lock, since
 * queueing may close a slow connection, which removes its holders. Internal API.
 *
 * @since 0.1.0
 */
public final class PresenceRegistry {

	private final ProtocolCodec codec;

	private final Map<String, Members> channels = new ConcurrentHashMap<>();

	private final @Nullable PresenceReplica replica;

	private final List<LeaveListener> leaveListeners = new CopyOnWriteArrayList<>();

	/**
	 * Create an empty registry of one node.
	 * @param codec encodes the announcements
	 */
	public PresenceRegistry(ProtocolCodec codec) {
		this(codec, null);
	}

	/**
	 * Create an empty registry whose memberships a replica shares with other nodes: joins
	 * and leaves are then announced by the replica, on every node, through
	 * {@link #deliver}.
	 * @param codec encodes the announcements
	 * @param replica the replica, or {@code null} for a node on its own
	 */
	public PresenceRegistry(ProtocolCodec codec, @Nullable PresenceReplica replica) {
		this.codec = codec;
		this.replica = replica;
	}

	/**
	 * Add a holder of a client's membership of a channel; when it is the client's first,
	 * the client joins, and with {@code announce} every other member is sent a
	 * {@code join}.
	 * @param channel the channel
	 * @param clientId the client
	 * @param user its principal's name
	 * @param holder one of its connections
	 * @param announce whether the channel's kind announces joins and leaves
	 * @return {@code true} when the client joined now
	 */
	public boolean join(String channel, String clientId, String user, Holder holder, boolean announce) {
		boolean joined = add(channel, clientId, user, holder);
		if (joined && announce) {
			announceJoin(channel, clientId);
		}
		return joined;
	}

	/**
	 * Add a holder of a client's membership of a channel without announcing it: a
	 * connection is a member as soon as its subscription is granted, and announced once
	 * the client was told ({@link #announceJoin}).
	 * @param channel the channel
	 * @param clientId the client
	 * @param user its principal's name
	 * @param holder one of its connections
	 * @return {@code true} when the client joined now
	 */
	public boolean add(String channel, String clientId, String user, Holder holder) {
		boolean[] joined = new boolean[1];
		this.channels.compute(channel, (name, members) -> {
			Members current = (members != null) ? members : new Members();
			Member member = current.byClient.get(clientId);
			if (member == null) {
				member = new Member(user);
				current.byClient.put(clientId, member);
				joined[0] = true;
			}
			member.add(holder);
			return current;
		});
		if (joined[0] && this.replica != null) {
			this.replica.added(channel, clientId, user);
		}
		return joined[0];
	}

	/**
	 * Let a connection that replaces another hold the client's membership of a channel
	 * too, if the replaced one still holds it: the client does not leave when the
	 * replaced one ends.
	 * @param channel the channel
	 * @param clientId the client
	 * @param from the replaced connection
	 * @param to the new connection
	 * @return {@code true} when {@code to} holds the membership now
	 */
	public boolean handOver(String channel, String clientId, Holder from, Holder to) {
		boolean[] held = new boolean[1];
		this.channels.computeIfPresent(channel, (name, members) -> {
			Member member = members.byClient.get(clientId);
			if (member != null && member.contains(from)) {
				member.add(to);
				held[0] = true;
			}
			return members;
		});
		return held[0];
	}

	/**
	 * Send a {@code join} of a client, if it is still a member, to the members that
	 * joined before it. One that joined after it (while its announcement was pending)
	 * lists it in a {@code presence} and is never told of a join it came after.
	 * @param channel the channel
	 * @param clientId the client
	 */
	public void announceJoin(String channel, String clientId) {
		List<Holder> recipients = new ArrayList<>();
		String[] user = new String[1];
		this.channels.computeIfPresent(channel, (name, members) -> {
			Member member = members.byClient.get(clientId);
			if (member != null) {
				user[0] = member.user;
				members.holdersBefore(clientId, recipients);
			}
			return members;
		});
		if (user[0] != null && this.replica != null) {
			this.replica.announceJoin(channel, clientId, user[0]);
		}
		else if (user[0] != null && !recipients.isEmpty()) {
			announce(new SystemOp.Join(channel, clientId, user[0]), recipients);
		}
	}

	/**
	 * Remove a holder of a client's membership of a channel; when it was the last, the
	 * client leaves, and with {@code announce} every other member is sent a
	 * {@code leave}.
	 * @param channel the channel
	 * @param clientId the client
	 * @param holder one of its connections
	 * @param announce whether the channel's kind announces joins and leaves
	 * @return {@code true} when the client left now
	 */
	public boolean leave(String channel, String clientId, Holder holder, boolean announce) {
		List<Holder> recipients = new ArrayList<>();
		String[] left = new String[1];
		this.channels.computeIfPresent(channel, (name, members) -> {
			Member member = members.byClient.get(clientId);
			if (member == null || !member.remove(holder) || member.size() > 0) {
				return members;
			}
			members.byClient.remove(clientId);
			left[0] = member.user;
			if (announce && this.replica == null) {
				members.holdersExcept(clientId, recipients);
			}
			return members.byClient.isEmpty() ? null : members;
		});
		if (left[0] != null && this.replica != null) {
			this.replica.removed(channel, clientId, left[0], announce);
		}
		else if (left[0] != null && !recipients.isEmpty()) {
			announce(new SystemOp.Leave(channel, clientId, left[0]), recipients);
		}
		if (left[0] != null) {
			for (LeaveListener listener : this.leaveListeners) {
				listener.left(channel, clientId);
			}
		}
		return left[0] != null;
	}

	/**
	 * Announce a {@code join} or {@code leave} that a {@link PresenceReplica} decided on
	 * (made on this node or another) to this node's members of its channel, except the
	 * client it is about.
	 * @param op the {@code join} or {@code leave}
	 */
	public void deliver(SystemOp op) {
		String channel;
		String clientId;
		if (op instanceof SystemOp.Join join) {
			channel = join.channel();
			clientId = join.clientId();
		}
		else if (op instanceof SystemOp.Leave leave) {
			channel = leave.channel();
			clientId = leave.clientId();
		}
		else {
			throw new IllegalArgumentException("Only join and leave are announced, not " + op);
		}
		List<Holder> recipients = new ArrayList<>();
		this.channels.computeIfPresent(channel, (name, members) -> {
			members.holdersExcept(clientId, recipients);
			return members;
		});
		if (!recipients.isEmpty()) {
			announce(op, recipients);
		}
	}

	/**
	 * The members of a channel on every node: those of this node without a replica, the
	 * replica's otherwise.
	 * @param channel the channel
	 * @return the members
	 */
	public Mono<List<SystemOp.PresenceEntry>> list(String channel) {
		return (this.replica != null) ? this.replica.members(channel) : Mono.fromSupplier(() -> members(channel));
	}

	/**
	 * The members of a channel, in the order they joined.
	 * @param channel the channel
	 * @return a snapshot
	 */
	public List<SystemOp.PresenceEntry> members(String channel) {
		List<SystemOp.PresenceEntry> entries = new ArrayList<>();
		this.channels.computeIfPresent(channel, (name, members) -> {
			members.byClient
				.forEach((clientId, member) -> entries.add(new SystemOp.PresenceEntry(clientId, member.user)));
			return members;
		});
		return entries;
	}

	/**
	 * How many connections hold a client's membership of a channel.
	 * @param channel the channel
	 * @param clientId the client
	 * @return the count, 0 when it is not a member
	 */
	public int holders(String channel, String clientId) {
		int[] count = new int[1];
		this.channels.computeIfPresent(channel, (name, members) -> {
			Member member = members.byClient.get(clientId);
			count[0] = (member != null) ? member.size() : 0;
			return members;
		});
		return count[0];
	}

	/**
	 * How many channels have members (each has an entry here).
	 * @return the count
	 */
	public int channelCount() {
		return this.channels.size();
	}

	/**
	 * Be told whenever a client leaves a channel (its last holder removed), announced or
	 * not: the state kept per member elsewhere (the peer routes of rtc rooms) is dropped
	 * with it.
	 * @param listener called outside any lock of this registry
	 */
	public void addLeaveListener(LeaveListener listener) {
		this.leaveListeners.add(listener);
	}

	private void announce(SystemOp op, List<Holder> recipients) {
		// Encoded once per wire format for all recipients.
		PreparedMessage prepared = PreparedMessage.of(this.codec, op);
		for (Holder recipient : recipients) {
			recipient.announce(prepared);
		}
	}

	/**
	 * A connection that holds memberships and receives announcements.
	 */
	public interface Holder {

		/**
		 * Queue an encoded {@code join} or {@code leave}; dropped by a connection that
		 * has not sent its {@code auth_ok} yet or is closing.
		 * @param op the op, encoded once per wire format and shared
		 */
		void announce(PreparedMessage op);

	}

	/**
	 * Told when a client left a channel.
	 */
	@FunctionalInterface
	public interface LeaveListener {

		/**
		 * A client left a channel: its last connection unsubscribed or ended.
		 * @param channel the channel
		 * @param clientId the client
		 */
		void left(String channel, String clientId);

	}

	/** A channel's members; guarded by the map's lock on the channel's entry. */
	private static final class Members {

		private final Map<String, Member> byClient = new LinkedHashMap<>();

		void holdersBefore(String clientId, List<Holder> into) {
			for (Map.Entry<String, Member> entry : this.byClient.entrySet()) {
				if (entry.getKey().equals(clientId)) {
					return;
				}
				entry.getValue().addTo(into);
			}
		}

		void holdersExcept(String clientId, List<Holder> into) {
			this.byClient.forEach((id, member) -> {
				if (!id.equals(clientId)) {
					member.addTo(into);
				}
			});
		}

	}

	/**
	 * A member and its holders, compared by identity: one connection, two while a
	 * replaced one has not ended. An array of exactly the holders rather than a set,
	 * since every member of a channel with presence costs this for every connection
	 * (about 100 bytes less than an identity set). Guarded by the map's lock on the
	 * channel's entry.
	 */
	private static final class Member {

		private static final Holder[] NONE = {};

		private final String user;

		private Holder[] holders = NONE;

		Member(String user) {
			this.user = user;
		}

		int size() {
			return this.holders.length;
		}

		boolean contains(Holder holder) {
			return indexOf(holder) >= 0;
		}

		void add(Holder holder) {
			if (indexOf(holder) < 0) {
				Holder[] next = Arrays.copyOf(this.holders, this.holders.length + 1);
				next[this.holders.length] = holder;
				this.holders = next;
			}
		}

		boolean remove(Holder holder) {
			int index = indexOf(holder);
			if (index < 0) {
				return false;
			}
			Holder[] next = new Holder[this.holders.length - 1];
			System.arraycopy(this.holders, 0, next, 0, index);
			System.arraycopy(this.holders, index + 1, next, index, next.length - index);
			this.holders = next;
			return true;
		}

		void addTo(List<Holder> into) {
			Collections.addAll(into, this.holders);
		}

		private int indexOf(Holder holder) {
			for (int i = 0; i < this.holders.length; i++) {
				if (this.holders[i] == holder) {
					return i;
				}
			}
			return -1;
		}

	}

}

package io.pushwire.server.connection;

import java.security.Principal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.pushwire.core.DeltaFrame;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry.ResolvedChannel;
import io.pushwire.server.channel.DeltaMode;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.ChannelStream;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.ResumePlan;

/**
 * Subscribes connections to channels and unsubscribes them (PROTOCOL.md §4 step 2–3, §5),
 * and keeps their presence memberships (§12). Node-wide: each connection keeps its own
 * state in its {@link Subscriptions}.
 */
final class ChannelSubscriber {

	private static final Log logger = LogFactory.getLog(ChannelSubscriber.class);

	private final ClientChannels channels;

	private final ChannelAuthorizer authorizer;

	private final ChannelStreamStore streams;

	private final PresenceRegistry presence;

	private final int maxSubscriptions;

	private final @Nullable ProtocolCodec json;

	/**
	 * Create the subscriber.
	 * @param channels resolves channel names
	 * @param authorizer authorizes subscriptions
	 * @param streams the channel streams
	 * @param presence the presence memberships
	 * @param maxSubscriptions most channels per connection
	 * @param json the JSON codec that delta updates are made with (PROTOCOL.md §8.3), or
	 * {@code null} to send full frames only
	 */
	ChannelSubscriber(ClientChannels channels, ChannelAuthorizer authorizer, ChannelStreamStore streams,
			PresenceRegistry presence, int maxSubscriptions, @Nullable ProtocolCodec json) {
		this.json = json;
		this.channels = channels;
		this.authorizer = authorizer;
		this.streams = streams;
		this.presence = presence;
		this.maxSubscriptions = maxSubscriptions;
	}

	/**
	 * Answer a {@code subscribe} op: the errors, {@code resume_required} where due,
	 * {@code subscribed}, the replays, then the joins.
	 * @param connection the client's connection
	 * @param subscribe the op
	 * @return completes when the answer is queued
	 */
	Mono<Void> subscribe(ClientConnection connection, SystemOp.Subscribe subscribe) {
		Map<String, ResumeToken.Position> resume = new LinkedHashMap<>();
		subscribe.cursors()
			.forEach((channel, cursor) -> resume.put(channel,
					new ResumeToken.Position(cursor, subscribe.epochs().get(channel))));
		return subscribeAll(connection, subscribe.channels(), resume, subscribe.delta()).doOnNext((result) -> {
			result.errors().forEach(connection::send);
			List<String> channels = new ArrayList<>();
			Map<String, Long> heads = new LinkedHashMap<>();
			Map<String, String> epochs = new LinkedHashMap<>();
			for (ChannelSubscription subscription : result.granted()) {
				ResumePlan plan = subscription.plan();
				channels.add(plan.channel());
				heads.put(plan.channel(), plan.after());
				epochs.put(plan.channel(), plan.epoch());
				if (plan.resumeRequired()) {
					connection.metrics().resumeRequired();
					connection.send(new SystemOp.ResumeRequired(plan.channel(), plan.fromCursor(), plan.epoch()));
				}
			}
			List<String> joined = presenceAdd(connection, channels);
			SystemOp.Subscribed subscribed = new SystemOp.Subscribed(channels, heads, epochs);
			Priority replaced = result.replaced();
			if (replaced != null) {
				// A channel subscribed again (a resume, a client recovering from a delta
				// it could not apply): confirmed behind the frames of the subscription it
				// replaces that are still queued, so that whatever follows the
				// confirmation belongs to the new subscription.
				connection.queue().offerOpBehind(connection.format().toBytes(subscribed), replaced);
			}
			else {
				connection.send(subscribed);
			}
			result.releaseReplays();
			presenceAnnounce(connection, joined);
		}).then();
	}

	/**
	 * Subscribe to channels: refusals and failures become errors, granted channels are
	 * attached held. A channel that fails (an authorizer or a store that errors) fails
	 * alone: the others are still granted, confirmed and released, rather than left held
	 * and never confirmed. Delta updates are given where the client asked for them and
	 * the kind offers them.
	 * @param connection the client's connection
	 * @param requested the channels asked for
	 * @param resume the positions to resume the channels from
	 * @param delta per channel or kind, the delta encoding asked for (PROTOCOL.md §8.3)
	 * @return the granted channels and the errors
	 */
	Mono<SubscribeResult> subscribeAll(ClientConnection connection, List<String> requested,
			Map<String, ResumeToken.Position> resume, Map<String, String> delta) {
		SubscribeResult result = new SubscribeResult();
		return Flux.fromIterable(new LinkedHashSet<>(requested))
			.concatMap(
					(channel) -> Mono.defer(() -> subscribeOne(connection, channel, resume.get(channel), delta, result))
						.onErrorResume((ex) -> {
							result.errors().add(subscribeFailed(channel, ex));
							return Mono.empty();
						}))
			.then(Mono.fromSupplier(() -> result));
	}

	private static SystemOp.Error subscribeFailed(String channel, Throwable ex) {
		if (ex instanceof ProtocolException protocolException) {
			return SystemOp.Error.of(protocolException.code(), protocolException.getMessage(), channel);
		}
		logger.error("Subscribing to " + channel + " failed", ex);
		return SystemOp.Error.of(ErrorCode.INTERNAL,
				"Could not subscribe to " + channel + "; the server logged the cause, try again later", channel);
	}

	private Mono<Void> subscribeOne(ClientConnection connection, String channel,
			ResumeToken.@Nullable Position requested, Map<String, String> delta, SubscribeResult result) {
		ResolvedChannel resolved;
		try {
			resolved = this.channels.resolve(channel);
		}
		catch (ProtocolException ex) {
			result.errors().add(ex.toOp());
			return Mono.empty();
		}
		Subscriptions subscriptions = connection.subscriptions();
		// Granted subscriptions are in the map already (channels are subscribed one after
		// another).
		if (subscriptions.get(channel) == null && subscriptions.size() >= this.maxSubscriptions) {
			result.errors()
				.add(SystemOp.Error.of(ErrorCode.BAD_MESSAGE, "A connection may subscribe to at most "
						+ this.maxSubscriptions + " channels; unsubscribe first", channel));
			return Mono.empty();
		}
		Principal principal = connection.requirePrincipal();
		DefaultPushSession session = connection.requireSession();
		return this.authorizer.canSubscribe(principal, resolved.name(), resolved.kind())
			.defaultIfEmpty(false)
			.flatMap((allowed) -> {
				if (!allowed) {
					result.errors()
						.add(SystemOp.Error.of(ErrorCode.FORBIDDEN, "Not allowed to subscribe to " + channel, channel));
					return Mono.empty();
				}
				ResumeToken.Position from = requested;
				ChannelSubscription previous = subscriptions.remove(channel);
				if (previous != null) {
					// Cancelled before the new attachment, so that no frame reaches the
					// client twice.
					previous.cancel();
					result.replaced(previous.priority());
					if (from == null) {
						from = new ResumeToken.Position(previous.lastCursor(), previous.epoch());
					}
				}
				if (from == null) {
					from = session.acknowledged(channel);
				}
				ChannelSubscription subscription = new ChannelSubscription(connection, channel, resolved.kind(),
						deltaBase(connection, resolved, delta));
				ChannelStream stream = this.streams.stream(resolved.name(), resolved.kind());
				return attach(stream, from, subscription).doOnNext((attachment) -> {
					subscriptions.put(subscription);
					session.channelAdded(channel, attachment.plan().epoch());
					result.granted().add(subscription);
					if (connection.closeReason() != null) {
						subscription.cancel();
					}
				}).then();
			});
	}

	/**
	 * What a subscription needs for delta updates (PROTOCOL.md §8.3), when the client
	 * asked for them on the channel or its kind and the kind offers them, on a WebSocket.
	 * An encoding the server does not know, or a kind without deltas, is not an error:
	 * the client gets full frames, which it always understands.
	 * @param connection the client's connection
	 * @param resolved the channel
	 * @param delta per channel or kind, the encoding asked for
	 * @return the delta base, or {@code null} for full frames
	 */
	private @Nullable DeltaBase deltaBase(ClientConnection connection, ResolvedChannel resolved,
			Map<String, String> delta) {
		ProtocolCodec codec = this.json;
		if (codec == null || delta.isEmpty() || resolved.kind().delta() != DeltaMode.FOSSIL
				|| !"websocket".equals(connection.transport())) {
			return null;
		}
		String asked = delta.get(resolved.name().toString());
		if (asked == null) {
			asked = delta.get(resolved.kind().name());
		}
		return DeltaFrame.FOSSIL.equals(asked) ? new DeltaBase(codec, connection.format()) : null;
	}

	/**
	 * Attach a subscription to its stream. The stream adds the listener before it emits
	 * the attachment, and a cancelled Mono drops what it would have emitted (with the
	 * handle that detaches): so the attachment is awaited whatever happens downstream,
	 * and a subscription cancelled meanwhile is detached as soon as it arrives.
	 * @param stream the channel's stream
	 * @param from the position to replay from, or {@code null} for none
	 * @param subscription the subscription to attach
	 * @return the attachment
	 */
	private static Mono<Attachment> attach(ChannelStream stream, ResumeToken.@Nullable Position from,
			ChannelSubscription subscription) {
		return Mono.create((sink) -> {
			sink.onCancel(subscription::cancel);
			stream.attach(from, subscription).contextWrite(sink.contextView()).subscribe((attachment) -> {
				subscription.attached(attachment);
				sink.success(attachment);
			}, sink::error, sink::success);
		});
	}

	/**
	 * Unsubscribe from channels: {@code unsubscribed}, behind the frames of these
	 * channels already queued, then the leaves.
	 * @param connection the client's connection
	 * @param channels the channels to leave
	 */
	void unsubscribe(ClientConnection connection, List<String> channels) {
		List<String> removed = new ArrayList<>();
		DefaultPushSession session = connection.requireSession();
		@Nullable Priority lowest = null;
		for (String channel : channels) {
			ChannelSubscription subscription = connection.subscriptions().remove(channel);
			if (subscription != null) {
				subscription.cancel();
				if (lowest == null || subscription.priority().lane() > lowest.lane()) {
					lowest = subscription.priority();
				}
			}
			session.channelRemoved(channel);
			removed.add(channel);
		}
		sendUnsubscribed(connection, removed, lowest);
		removed.forEach((channel) -> presenceLeft(connection, channel));
	}

	/**
	 * Drop the subscriptions that new credentials no longer allow (PROTOCOL.md §7.1),
	 * those still held.
	 * @param connection the client's connection
	 * @param session the connection's session
	 * @param revoked the subscriptions the new credentials no longer allow
	 * @return the channels dropped, and the lowest lane among them (for
	 * {@link #sendUnsubscribed})
	 */
	Revoked revoke(ClientConnection connection, DefaultPushSession session, List<ChannelSubscription> revoked) {
		List<String> removed = new ArrayList<>();
		@Nullable Priority lowest = null;
		for (ChannelSubscription subscription : revoked) {
			if (connection.subscriptions().remove(subscription)) {
				subscription.cancel();
				session.channelRemoved(subscription.channel());
				removed.add(subscription.channel());
				if (lowest == null || subscription.priority().lane() > lowest.lane()) {
					lowest = subscription.priority();
				}
			}
		}
		return new Revoked(removed, lowest);
	}

	void sendUnsubscribed(ClientConnection connection, List<String> removed, @Nullable Priority lowest) {
		byte[] json = connection.format().toBytes(new SystemOp.Unsubscribed(removed));
		if (lowest != null) {
			// Behind the frames of these channels already queued: in the op lane it would
			// overtake
			// them, and the client would get frames of a channel it was told it left.
			connection.queue().offerOpBehind(json, lowest);
		}
		else {
			connection.queue().offerOp(json);
		}
	}

	/**
	 * Cancel every subscription and give up every membership: the connection ended.
	 * @param connection the connection that ended
	 */
	void cancelAll(ClientConnection connection) {
		connection.subscriptions().clear().forEach(ChannelSubscription::cancel);
		// After ended is set: a membership recorded from now on is undone by presenceAdd
		// itself.
		connection.subscriptions().memberships().keySet().forEach((channel) -> presenceLeft(connection, channel));
	}

	/**
	 * Become a member of the channels just granted whose kind has presence or join-leave,
	 * or is the {@code rtc} kind of peer rooms (before the client is told, so that a
	 * presence asked once it was told lists it). Added to the registry before being
	 * recorded, and undone when the connection ended meanwhile, so that
	 * {@link ClientConnection#terminated()} never misses a membership.
	 * @param connection the client's connection
	 * @param channels the channels just granted
	 * @return the channels to announce the client's join on
	 */
	List<String> presenceAdd(ClientConnection connection, Collection<String> channels) {
		List<String> joined = new ArrayList<>();
		DefaultPushSession current = connection.session();
		Principal owner = connection.principal();
		if (current == null || owner == null) {
			return joined;
		}
		for (String channel : channels) {
			ChannelKind kind = this.channels.resolveKnown(channel).kind();
			// The members of an rtc room are its peers (PROTOCOL.md §10.1), listed and
			// signaled whether or not the kind offers presence.
			if ((kind.presence() || kind.joinLeave() || PeerExchange.ROOM_KIND.equals(kind.name()))
					&& !connection.isEnded()) {
				boolean added = this.presence.add(channel, current.clientId(), owner.getName(), connection);
				connection.subscriptions().addMembership(channel, kind.joinLeave());
				if (connection.isEnded()) {
					presenceLeft(connection, channel);
				}
				else if (added && kind.joinLeave()) {
					joined.add(channel);
				}
			}
		}
		return joined;
	}

	/**
	 * Announce the client's join on channels, after it was told it subscribed.
	 * @param connection the client's connection
	 * @param channels the channels to announce the join on
	 */
	void presenceAnnounce(ClientConnection connection, List<String> channels) {
		DefaultPushSession current = connection.session();
		if (current != null) {
			channels.forEach((channel) -> this.presence.announceJoin(channel, current.clientId()));
		}
	}

	/**
	 * Give up a connection's membership of a channel; the client leaves when no other
	 * connection holds it.
	 * @param connection the connection giving the membership up
	 * @param channel the channel
	 */
	void presenceLeft(ClientConnection connection, String channel) {
		Boolean announce = connection.subscriptions().removeMembership(channel);
		DefaultPushSession current = connection.session();
		if (announce != null && current != null) {
			this.presence.leave(channel, current.clientId(), connection, announce);
		}
	}

	/**
	 * A connection is being replaced: the new one holds its memberships from now on too,
	 * and gives up those it does not subscribe to again once it sent {@code auth_ok}.
	 * @param replaced the connection being replaced
	 * @param successor the connection replacing it
	 */
	void handOverPresence(ClientConnection replaced, ClientConnection successor) {
		DefaultPushSession current = replaced.session();
		if (current == null) {
			return;
		}
		replaced.subscriptions().memberships().forEach((channel, announce) -> {
			if (this.presence.handOver(channel, current.clientId(), replaced, successor)) {
				successor.subscriptions().addMembership(channel, announce);
				if (successor.isEnded()) {
					presenceLeft(successor, channel);
				}
			}
		});
	}

	/**
	 * The channels that new credentials revoked.
	 *
	 * @param channels the channels
	 * @param lowest the lowest lane among them
	 */
	record Revoked(List<String> channels, @Nullable Priority lowest) {
	}

	/** The outcome of subscribing to several channels. */
	static final class SubscribeResult {

		private final List<ChannelSubscription> granted = Collections.synchronizedList(new ArrayList<>());

		private final List<SystemOp.Error> errors = Collections.synchronizedList(new ArrayList<>());

		private volatile @Nullable Priority replaced;

		List<ChannelSubscription> granted() {
			return this.granted;
		}

		List<SystemOp.Error> errors() {
			return this.errors;
		}

		/**
		 * The lowest lane of the subscriptions that granted ones replaced.
		 * @return the priority, or {@code null} when none replaced another
		 */
		@Nullable Priority replaced() {
			return this.replaced;
		}

		synchronized void replaced(Priority priority) {
			Priority lowest = this.replaced;
			if (lowest == null || priority.lane() > lowest.lane()) {
				this.replaced = priority;
			}
		}

		/**
		 * For auth_ok: the resume_required ops, then every replay.
		 * @param connection the connection the ops are queued on
		 */
		void release(ClientConnection connection) {
			for (ChannelSubscription subscription : this.granted) {
				ResumePlan plan = subscription.plan();
				if (plan.resumeRequired()) {
					connection.metrics().resumeRequired();
					connection.send(new SystemOp.ResumeRequired(plan.channel(), plan.fromCursor(), plan.epoch()));
				}
			}
			releaseReplays();
		}

		void releaseReplays() {
			this.granted.forEach(ChannelSubscription::release);
		}

	}

}

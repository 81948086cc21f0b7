package io.pushwire.server.connection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One connection's subscriptions and presence memberships: the state that
 * {@link ChannelSubscriber} works on. Small on purpose, since every idle connection holds
 * one: no map while the connection holds at most one subscription (most do), and the
 * memberships are made on first use. Also the lock under which the connection's presence
 * announcements are queued (see {@link ClientConnection#announce}).
 */
final class Subscriptions {

	/** Nothing, one {@link ChannelSubscription}, or a map of them by channel. */
	private @Nullable Object entries;

	/**
	 * The channels of kinds with presence or join-leave whose membership the connection
	 * holds, each with whether its kind announces joins and leaves.
	 */
	private @Nullable Map<String, Boolean> memberships;

	synchronized @Nullable ChannelSubscription get(String channel) {
		Object current = this.entries;
		if (current instanceof ChannelSubscription one) {
			return one.channel().equals(channel) ? one : null;
		}
		return (current != null) ? map(current).get(channel) : null;
	}

	synchronized int size() {
		Object current = this.entries;
		if (current == null) {
			return 0;
		}
		return (current instanceof ChannelSubscription) ? 1 : map(current).size();
	}

	/**
	 * Add a subscription, replacing the one of its channel.
	 * @param subscription the subscription
	 */
	synchronized void put(ChannelSubscription subscription) {
		Object current = this.entries;
		if (current == null
				|| (current instanceof ChannelSubscription one && one.channel().equals(subscription.channel()))) {
			this.entries = subscription;
			return;
		}
		Map<String, ChannelSubscription> map;
		if (current instanceof ChannelSubscription one) {
			map = new LinkedHashMap<>();
			map.put(one.channel(), one);
			this.entries = map;
		}
		else {
			map = map(current);
		}
		map.put(subscription.channel(), subscription);
	}

	synchronized @Nullable ChannelSubscription remove(String channel) {
		Object current = this.entries;
		if (current instanceof ChannelSubscription one) {
			if (one.channel().equals(channel)) {
				this.entries = null;
				return one;
			}
			return null;
		}
		return (current != null) ? map(current).remove(channel) : null;
	}

	/**
	 * Remove a subscription if it is still the one of its channel.
	 * @param subscription the subscription
	 * @return whether it was removed
	 */
	synchronized boolean remove(ChannelSubscription subscription) {
		Object current = this.entries;
		if (current == subscription) {
			this.entries = null;
			return true;
		}
		return current != null && !(current instanceof ChannelSubscription)
				&& map(current).remove(subscription.channel(), subscription);
	}

	/**
	 * The subscriptions now.
	 * @return a copy
	 */
	synchronized List<ChannelSubscription> snapshot() {
		Object current = this.entries;
		if (current == null) {
			return Collections.emptyList();
		}
		if (current instanceof ChannelSubscription one) {
			return List.of(one);
		}
		return new ArrayList<>(map(current).values());
	}

	/**
	 * Remove every subscription.
	 * @return those removed
	 */
	synchronized List<ChannelSubscription> clear() {
		List<ChannelSubscription> all = snapshot();
		this.entries = null;
		return all;
	}

	/**
	 * Record a membership.
	 * @param channel the channel
	 * @param announce whether its kind announces joins and leaves
	 */
	synchronized void addMembership(String channel, boolean announce) {
		Map<String, Boolean> current = this.memberships;
		if (current == null) {
			// Made on first use: most connections never subscribe to a kind with
			// presence.
			current = new HashMap<>(4);
			this.memberships = current;
		}
		current.put(channel, announce);
	}

	/**
	 * Give up a membership.
	 * @param channel the channel
	 * @return whether its kind announces joins and leaves, or {@code null} when not a
	 * member
	 */
	synchronized @Nullable Boolean removeMembership(String channel) {
		Map<String, Boolean> current = this.memberships;
		return (current != null) ? current.remove(channel) : null;
	}

	/**
	 * The memberships now.
	 * @return a copy, channel to whether its kind announces joins and leaves
	 */
	synchronized Map<String, Boolean> memberships() {
		Map<String, Boolean> current = this.memberships;
		return (current != null) ? new LinkedHashMap<>(current) : Collections.emptyMap();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, ChannelSubscription> map(Object entries) {
		return (Map<String, ChannelSubscription>) entries;
	}

}

package io.pushwire.server.connection;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.pushwire.server.channel.ChannelKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Subscriptions}: one subscription held without a map, more in one, and
 * the presence memberships.
 */
class SubscriptionsTests {

	private final ConnectionFixture fixture = new ConnectionFixture();

	private final ClientConnection connection = this.fixture.connection().connection;

	private final ChannelKind chat = ChannelKind.builder("chat").build();

	private final Subscriptions subscriptions = new Subscriptions();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void startsEmpty() {
		assertThat(this.subscriptions.size()).isZero();
		assertThat(this.subscriptions.get("chat:a")).isNull();
		assertThat(this.subscriptions.remove("chat:a")).isNull();
		assertThat(this.subscriptions.snapshot()).isEmpty();
		assertThat(this.subscriptions.memberships()).isEmpty();
	}

	@Test
	void holdsOneSubscriptionAndFindsItByItsChannelOnly() {
		ChannelSubscription a = subscription("chat:a");
		this.subscriptions.put(a);
		assertThat(this.subscriptions.size()).isOne();
		assertThat(this.subscriptions.get("chat:a")).isSameAs(a);
		assertThat(this.subscriptions.get("chat:b")).isNull();
		assertThat(this.subscriptions.remove("chat:b")).isNull();
		assertThat(this.subscriptions.remove("chat:a")).isSameAs(a);
		assertThat(this.subscriptions.size()).isZero();
	}

	@Test
	void aSubscriptionOfTheSameChannelReplacesTheOneHeld() {
		ChannelSubscription first = subscription("chat:a");
		ChannelSubscription second = subscription("chat:a");
		this.subscriptions.put(first);
		this.subscriptions.put(second);
		assertThat(this.subscriptions.size()).isOne();
		assertThat(this.subscriptions.get("chat:a")).isSameAs(second);
		assertThat(this.subscriptions.remove(first)).isFalse();
		assertThat(this.subscriptions.remove(second)).isTrue();
		assertThat(this.subscriptions.size()).isZero();
	}

	@Test
	void holdsSeveralInTheOrderSubscribed() {
		ChannelSubscription a = subscription("chat:a");
		ChannelSubscription b = subscription("chat:b");
		ChannelSubscription c = subscription("chat:c");
		this.subscriptions.put(a);
		this.subscriptions.put(b);
		this.subscriptions.put(c);
		assertThat(this.subscriptions.size()).isEqualTo(3);
		assertThat(this.subscriptions.snapshot()).containsExactly(a, b, c);
		assertThat(this.subscriptions.get("chat:b")).isSameAs(b);
		ChannelSubscription b2 = subscription("chat:b");
		assertThat(this.subscriptions.remove(b2)).isFalse();
		assertThat(this.subscriptions.remove(b)).isTrue();
		assertThat(this.subscriptions.remove("chat:a")).isSameAs(a);
		assertThat(this.subscriptions.snapshot()).containsExactly(c);
	}

	@Test
	void clearRemovesAndReturnsEverySubscription() {
		ChannelSubscription a = subscription("chat:a");
		ChannelSubscription b = subscription("chat:b");
		this.subscriptions.put(a);
		this.subscriptions.put(b);
		assertThat(this.subscriptions.clear()).containsExactly(a, b);
		assertThat(this.subscriptions.size()).isZero();
		this.subscriptions.put(a);
		assertThat(this.subscriptions.clear()).containsExactly(a);
	}

	@Test
	void aSnapshotIsACopy() {
		ChannelSubscription a = subscription("chat:a");
		ChannelSubscription b = subscription("chat:b");
		this.subscriptions.put(a);
		this.subscriptions.put(b);
		var snapshot = this.subscriptions.snapshot();
		this.subscriptions.remove("chat:a");
		assertThat(snapshot).containsExactly(a, b);
	}

	@Test
	void membershipsAreRecordedWithWhetherTheyAnnounceAndGivenUpOnce() {
		this.subscriptions.addMembership("room:a", true);
		this.subscriptions.addMembership("room:b", false);
		var memberships = this.subscriptions.memberships();
		assertThat(memberships).containsEntry("room:a", true).containsEntry("room:b", false).hasSize(2);
		assertThat(this.subscriptions.removeMembership("room:a")).isTrue();
		assertThat(this.subscriptions.removeMembership("room:a")).isNull();
		assertThat(this.subscriptions.removeMembership("room:b")).isFalse();
		assertThat(this.subscriptions.memberships()).isEmpty();
		assertThat(memberships).hasSize(2);
	}

	private ChannelSubscription subscription(String channel) {
		return new ChannelSubscription(this.connection, channel, this.chat);
	}

}

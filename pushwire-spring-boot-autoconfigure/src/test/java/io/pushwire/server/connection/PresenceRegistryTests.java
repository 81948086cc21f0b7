package io.pushwire.server.connection;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.pushwire.core.PreparedMessage;
import io.pushwire.core.PreparedMessages;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.SystemOp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PresenceRegistry}.
 */
class PresenceRegistryTests {

	private final ProtocolCodec codec = new ProtocolCodec();

	private final PresenceRegistry registry = new PresenceRegistry(this.codec);

	@Test
	void announcesJoinToEveryOtherMemberButNotToTheJoiningClient() {
		Inbox alice = new Inbox();
		Inbox bob = new Inbox();
		assertThat(this.registry.join("room:1", "a", "alice", alice, true)).isTrue();
		assertThat(this.registry.join("room:1", "b", "bob", bob, true)).isTrue();
		assertThat(alice.ops).containsExactly(new SystemOp.Join("room:1", "b", "bob"));
		assertThat(bob.ops).isEmpty();
	}

	@Test
	void pendingJoinReachesOnlyTheMembersThatJoinedBeforeIt() {
		Inbox alice = new Inbox();
		Inbox bob = new Inbox();
		Inbox carol = new Inbox();
		this.registry.add("room:1", "a", "alice", alice);
		// bob and carol become members while alice's join is still to be announced (her
		// auth_ok is
		// being queued): they list her in a presence, and are never told she joined after
		// them.
		this.registry.add("room:1", "b", "bob", bob);
		this.registry.add("room:1", "c", "carol", carol);
		this.registry.announceJoin("room:1", "b");
		this.registry.announceJoin("room:1", "a");
		this.registry.announceJoin("room:1", "c");
		assertThat(alice.ops).containsExactly(new SystemOp.Join("room:1", "b", "bob"),
				new SystemOp.Join("room:1", "c", "carol"));
		assertThat(bob.ops).containsExactly(new SystemOp.Join("room:1", "c", "carol"));
		assertThat(carol.ops).isEmpty();
	}

	@Test
	void announcesLeaveToEveryOtherMember() {
		Inbox alice = new Inbox();
		Inbox bob = new Inbox();
		this.registry.join("room:1", "a", "alice", alice, true);
		this.registry.join("room:1", "b", "bob", bob, true);
		assertThat(this.registry.leave("room:1", "a", alice, true)).isTrue();
		assertThat(bob.ops).containsExactly(new SystemOp.Leave("room:1", "a", "alice"));
		assertThat(alice.ops).containsExactly(new SystemOp.Join("room:1", "b", "bob"));
	}

	@Test
	void clientWithTwoHoldersJoinsOnceAndLeavesWhenTheLastOneGoes() {
		Inbox first = new Inbox();
		Inbox second = new Inbox();
		Inbox observer = new Inbox();
		this.registry.join("room:1", "o", "olga", observer, true);
		assertThat(this.registry.join("room:1", "a", "alice", first, true)).isTrue();
		assertThat(this.registry.join("room:1", "a", "alice", second, true)).isFalse();
		assertThat(this.registry.leave("room:1", "a", first, true)).isFalse();
		assertThat(this.registry.members("room:1")).extracting(SystemOp.PresenceEntry::clientId)
			.containsExactly("o", "a");
		assertThat(this.registry.leave("room:1", "a", second, true)).isTrue();
		assertThat(observer.ops).containsExactly(new SystemOp.Join("room:1", "a", "alice"),
				new SystemOp.Leave("room:1", "a", "alice"));
	}

	@Test
	void leavingTwiceLeavesOnce() {
		Inbox alice = new Inbox();
		Inbox observer = new Inbox();
		this.registry.join("room:1", "o", "olga", observer, true);
		this.registry.join("room:1", "a", "alice", alice, true);
		assertThat(this.registry.leave("room:1", "a", alice, true)).isTrue();
		assertThat(this.registry.leave("room:1", "a", alice, true)).isFalse();
		assertThat(observer.ops).hasSize(2);
	}

	@Test
	void listsMembersInTheOrderTheyJoinedWithoutAnnouncingWhenTheKindDoesNotAnnounce() {
		Inbox alice = new Inbox();
		Inbox bob = new Inbox();
		this.registry.join("lobby", "a", "alice", alice, false);
		this.registry.join("lobby", "b", "bob", bob, false);
		this.registry.leave("lobby", "b", bob, false);
		this.registry.join("lobby", "b", "bob", bob, false);
		assertThat(this.registry.members("lobby")).containsExactly(new SystemOp.PresenceEntry("a", "alice"),
				new SystemOp.PresenceEntry("b", "bob"));
		assertThat(alice.ops).isEmpty();
		assertThat(bob.ops).isEmpty();
	}

	@Test
	void forgetsChannelWhenItsLastMemberLeaves() {
		Inbox alice = new Inbox();
		this.registry.join("room:1", "a", "alice", alice, true);
		this.registry.join("room:2", "a", "alice", alice, true);
		assertThat(this.registry.channelCount()).isEqualTo(2);
		this.registry.leave("room:1", "a", alice, true);
		this.registry.leave("room:2", "a", alice, true);
		assertThat(this.registry.channelCount()).isZero();
		assertThat(this.registry.members("room:1")).isEmpty();
	}

	@Test
	void leavingAChannelNeverJoinedChangesNothing() {
		assertThat(this.registry.leave("room:1", "a", new Inbox(), true)).isFalse();
		assertThat(this.registry.channelCount()).isZero();
	}

	@Test
	void memberThatLeavesWhileBeingToldOfAJoinDoesNotBreakTheRegistry() {
		// As a connection whose queue overflows on the join closes and releases its
		// memberships at once.
		Inbox observer = new Inbox();
		Holder[] overflowing = new Holder[1];
		overflowing[0] = (json) -> this.registry.leave("room:1", "s", overflowing[0], true);
		this.registry.join("room:1", "o", "olga", observer, true);
		this.registry.join("room:1", "s", "sam", overflowing[0], true);
		this.registry.join("room:1", "a", "alice", new Inbox(), true);
		assertThat(this.registry.members("room:1")).extracting(SystemOp.PresenceEntry::clientId)
			.containsExactly("o", "a");
		assertThat(observer.ops).containsExactly(new SystemOp.Join("room:1", "s", "sam"),
				new SystemOp.Join("room:1", "a", "alice"), new SystemOp.Leave("room:1", "s", "sam"));
	}

	@Test
	void concurrentJoinsAndLeavesLeaveNothingBehindAndAnnounceEachJoinAndLeaveOnce() throws Exception {
		int clients = 64;
		Inbox observer = new Inbox();
		this.registry.join("room:1", "o", "olga", observer, true);
		ExecutorService executor = Executors.newFixedThreadPool(4);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> done = new ArrayList<>();
			for (int i = 0; i < clients; i++) {
				String id = "c" + i;
				Inbox holder = new Inbox();
				done.add(executor.submit(() -> {
					start.await();
					for (int round = 0; round < 100; round++) {
						this.registry.join("room:1", id, "user", holder, true);
						this.registry.leave("room:1", id, holder, true);
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : done) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.registry.members("room:1")).containsExactly(new SystemOp.PresenceEntry("o", "olga"));
		assertThat(observer.ops).hasSize(2 * clients * 100);
		assertThat(observer.ops.stream().filter(SystemOp.Join.class::isInstance)).hasSize(clients * 100);
		this.registry.leave("room:1", "o", observer, true);
		assertThat(this.registry.channelCount()).isZero();
	}

	private interface Holder extends PresenceRegistry.Holder {

	}

	private final class Inbox implements PresenceRegistry.Holder {

		final List<SystemOp> ops = Collections.synchronizedList(new ArrayList<>());

		@Override
		public void announce(PreparedMessage op) {
			byte[] json = PreparedMessages.json(op);
			this.ops.add((SystemOp) PresenceRegistryTests.this.codec.decode(new String(json, StandardCharsets.UTF_8)));
		}

	}

}

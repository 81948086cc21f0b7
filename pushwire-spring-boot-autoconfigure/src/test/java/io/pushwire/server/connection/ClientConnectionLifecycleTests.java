package io.pushwire.server.connection;

import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.pushwire.core.CloseReason;
import io.pushwire.core.PreparedMessages;
import io.pushwire.core.SystemOp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the lifecycle of a {@link ClientConnection}: start, close, termination, and
 * the order in which they release what the connection took. Everything runs on the test's
 * thread.
 */
class ClientConnectionLifecycleTests {

	private final ConnectionFixture fixture = new ConnectionFixture(new ServerLimits(2, 1000, 1000, 1000, 200));

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void startQueuesAuthOkFirstAndTakesASlotAndTheHeartbeat() {
		ConnectionFixture.Recorded client = this.fixture.started("ann", List.of("chat:a"));
		assertThat(client.labels()).containsExactly("auth_ok");
		assertThat(this.fixture.node.admission().slots("ann")).isOne();
		assertThat(this.fixture.node.heartbeats().size()).isOne();
		assertThat(client.connection.isAuthenticated()).isTrue();
	}

	@Test
	void closeQueuesTheGoodbyeLastOnceAndLeavesTheHeartbeat() {
		ConnectionFixture.Recorded client = this.fixture.started("ann", List.of());
		client.connection.close(CloseReason.SLOW_CONSUMER);
		client.connection.close(CloseReason.NORMAL);
		client.connection.send(new SystemOp.Pong());
		assertThat(client.connection.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
		assertThat(client.labels()).containsExactly("auth_ok", "goodbye");
		assertThat(client.last(SystemOp.Goodbye.class).code()).isEqualTo(CloseReason.SLOW_CONSUMER.code());
		assertThat(client.completed).isTrue();
		assertThat(this.fixture.node.heartbeats().size()).isZero();
		// Closing is not ending: the slot and session are held until the transport ends.
		assertThat(this.fixture.node.admission().slots("ann")).isOne();
	}

	@Test
	void terminationReleasesTheSlotTheSessionAndTheSubscriptionsOnce() {
		ConnectionFixture.Recorded client = this.fixture.started("ann", List.of("chat:a"));
		DefaultPushSession session = client.connection.session();
		client.connection.terminated();
		client.connection.terminated();
		assertThat(this.fixture.node.admission().slots("ann")).isZero();
		assertThat(session.isConnected()).isFalse();
		assertThat(client.connection.subscriptions().size()).isZero();
		assertThat(this.fixture.node.heartbeats().size()).isZero();
		assertThat(client.connection.closeReason()).isEqualTo(CloseReason.NORMAL);
		assertThat(client.aborts).isEmpty();
	}

	@Test
	void aTransportEndedBeforeStartCompletesKeepsNothing() {
		ConnectionFixture.Recorded client = this.fixture.connection();
		client.connection.terminated();
		String clientId = UUID.randomUUID().toString();
		Principal ann = () -> "ann";
		StepVerifier
			.create(client.connection.start(clientId,
					new SystemOp.Auth(clientId, null, List.of("chat:a"), Map.of(), Map.of(), null), ann))
			.expectComplete()
			.verify(ConnectionFixture.TIMEOUT);
		assertThat(client.labels()).isEmpty();
		assertThat(this.fixture.node.admission().slots("ann")).isZero();
		assertThat(this.fixture.sessions.local(clientId).isConnected()).isFalse();
		assertThat(this.fixture.node.heartbeats().size()).isZero();
	}

	@Test
	void aPrincipalPastItsConnectionsIsRefusedWithoutKeepingASlot() {
		this.fixture.started("ann", List.of());
		this.fixture.started("ann", List.of());
		ConnectionFixture.Recorded third = this.fixture.connection();
		String clientId = UUID.randomUUID().toString();
		Principal ann = () -> "ann";
		StepVerifier
			.create(third.connection.start(clientId,
					new SystemOp.Auth(clientId, null, List.of(), Map.of(), Map.of(), null), ann))
			.expectErrorSatisfies((ex) -> assertThat(ex).hasMessageContaining("Too many connections"))
			.verify(ConnectionFixture.TIMEOUT);
		assertThat(this.fixture.node.admission().slots("ann")).isEqualTo(2);
		third.connection.terminated();
		assertThat(this.fixture.node.admission().slots("ann")).isEqualTo(2);
	}

	@Test
	void announcementsWaitForAuthOkAndStopAtTheClose() {
		ConnectionFixture.Recorded client = this.fixture.connection();
		client.connection.announce(PreparedMessages.ofJson("{\"type\":\"pong\"}".getBytes()));
		assertThat(client.labels()).isEmpty();
		ConnectionFixture.Recorded started = this.fixture.started("ann", List.of());
		started.connection.announce(PreparedMessages.ofJson("{\"type\":\"pong\"}".getBytes()));
		started.connection.close(CloseReason.NORMAL);
		started.connection.announce(PreparedMessages.ofJson("{\"type\":\"pong\"}".getBytes()));
		assertThat(started.labels()).containsExactly("auth_ok", "pong", "goodbye");
	}

	@Test
	void aReplacementHandsThePresenceOverBeforeTheReplacedConnectionCloses() {
		ConnectionFixture.Recorded first = this.fixture.connection();
		String clientId = UUID.randomUUID().toString();
		Principal bob = () -> "bob";
		SystemOp.Auth auth = new SystemOp.Auth(clientId, null, List.of("room:a"), Map.of(), Map.of(), null);
		first.connection.start(clientId, auth, bob).block(ConnectionFixture.TIMEOUT);
		assertThat(this.fixture.node.presence().holders("room:a", clientId)).isOne();
		ConnectionFixture.Recorded second = this.fixture.connection();
		second.connection.start(clientId, auth, bob).block(ConnectionFixture.TIMEOUT);
		assertThat(first.connection.closeReason()).isEqualTo(CloseReason.REPLACED);
		first.connection.terminated();
		// The client never left: the new connection held the membership before the old
		// one ended.
		assertThat(this.fixture.node.presence().holders("room:a", clientId)).isOne();
		assertThat(second.labels()).doesNotContain("leave");
		second.connection.terminated();
		assertThat(this.fixture.node.presence().members("room:a")).isEmpty();
	}

	@Test
	void theInboundBudgetIsSharedByMessagesAndHttpRequestsAndAPersistentSenderIsClosed() {
		ConnectionFixture fixture = new ConnectionFixture(new ServerLimits(10, 1000, 1, 2, 200));
		try {
			ConnectionFixture.Recorded client = fixture.started("ann", List.of());
			assertThat(client.connection.admitInbound()).isTrue();
			assertThat(client.connection.admitHttpRequest()).isTrue();
			assertThat(client.connection.admitHttpRequest()).isFalse();
			assertThat(client.connection.admitInbound()).isFalse();
			assertThat(client.labels()).containsExactly("auth_ok", "error:rate_limited");
			assertThat(client.connection.admitInbound()).isFalse();
			assertThat(client.connection.closeReason()).isEqualTo(CloseReason.POLICY);
		}
		finally {
			fixture.close();
		}
	}

}

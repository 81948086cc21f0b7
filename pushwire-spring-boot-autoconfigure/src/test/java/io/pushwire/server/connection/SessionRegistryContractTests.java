package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.CloseReason;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.ResumeToken.Position;
import io.pushwire.security.AnonymousPrincipal;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.stream.InMemoryChannelStreamStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of a {@link SessionRegistry}: every registry runs these tests through a
 * subclass (the in-memory one in {@link InMemorySessionRegistryContractTests}; a Redis
 * registry against a real server). Connections are this node's objects: the registry
 * binds them, and tests make them with {@link #connection()}.
 */
public abstract class SessionRegistryContractTests {

	protected static final Duration TIMEOUT = Duration.ofSeconds(10);

	/**
	 * The bound of {@code max-sessions-per-principal} the registry under test is made
	 * with.
	 */
	protected static final int MAX_SESSIONS_PER_PRINCIPAL = 2;

	private static final Principal ALICE = () -> "alice";

	private static final Principal BOB = () -> "bob";

	private final InMemoryChannelStreamStore streams = new InMemoryChannelStreamStore();

	private final TestNode node = new TestNode(PushServerSettings.defaults(),
			new ChannelRegistry(List.of(ChannelKind.builder("chat").build())), this.streams,
			new InMemorySessionRegistry(Duration.ofMinutes(1)), (request) -> Mono.empty(),
			ChannelAuthorizer.declarative(), new ChannelHandlerRegistry(), new ProtocolCodec(),
			JsonMapper.builder().build());

	private SessionRegistry registry;

	/**
	 * Make the registry under test, empty, with a session TTL of minutes and the given
	 * bound of sessions per principal.
	 * @param maxSessionsPerPrincipal the bound ({@value #MAX_SESSIONS_PER_PRINCIPAL} in
	 * these tests)
	 * @return the registry
	 */
	protected abstract SessionRegistry createRegistry(int maxSessionsPerPrincipal);

	/**
	 * Release what the registry holds.
	 * @param registry the registry
	 */
	protected void dispose(SessionRegistry registry) {
	}

	@BeforeEach
	void createRegistryUnderTest() {
		this.registry = createRegistry(MAX_SESSIONS_PER_PRINCIPAL);
	}

	@AfterEach
	void disposeRegistryUnderTest() {
		dispose(this.registry);
		this.node.dispose();
		this.streams.dispose();
	}

	/**
	 * A connection of this node, as a transport would make it.
	 * @return the connection
	 */
	protected ClientConnection connection() {
		return this.node.connection(new ConnectionTransport() {

			@Override
			public String name() {
				return "test";
			}

			@Override
			public void heartbeat(ClientConnection connection) {
			}

			@Override
			public void abort(CloseReason reason) {
			}

		});
	}

	@Test
	void attachCreatesASessionBoundToThePrincipalAndTheConnection() {
		String clientId = clientId();
		ClientConnection connection = connection();
		SessionRegistry.Attached attached = attach(clientId, ALICE, connection, null);
		assertThat(attached.replaced()).isNull();
		assertThat(attached.newSessionSecret()).isNull();
		DefaultPushSession session = attached.session();
		assertThat(session.clientId()).isEqualTo(clientId);
		assertThat(session.principal().getName()).isEqualTo("alice");
		assertThat(session.connection()).isSameAs(connection);
		assertThat(this.registry.find(clientId).block(TIMEOUT)).isSameAs(session);
		assertThat(this.registry.local(clientId)).isSameAs(session);
		assertThat(this.registry.connected()).containsExactly(session);
		assertThat(this.registry.sessionCount("alice").block(TIMEOUT)).isOne();
	}

	@Test
	void unknownClientIdIsFoundNowhere() {
		StepVerifier.create(this.registry.find(clientId())).expectComplete().verify(TIMEOUT);
		assertThat(this.registry.local(clientId())).isNull();
		assertThat(this.registry.sessionCount("nobody").block(TIMEOUT)).isZero();
		expectError(this.registry.require(clientId(), ALICE, null), ErrorCode.NOT_CONNECTED);
	}

	@Test
	void attachingAgainReplacesTheConnectionAndKeepsTheSession() {
		String clientId = clientId();
		ClientConnection first = connection();
		ClientConnection second = connection();
		DefaultPushSession session = attach(clientId, ALICE, first, null).session();
		SessionRegistry.Attached again = attach(clientId, ALICE, second, null);
		assertThat(again.session()).isSameAs(session);
		assertThat(again.replaced()).isSameAs(first);
		assertThat(session.connection()).isSameAs(second);
		// The replaced connection's late detach leaves the new one attached.
		this.registry.detach(session, first);
		assertThat(session.isConnected()).isTrue();
		this.registry.detach(session, second);
		assertThat(session.isConnected()).isFalse();
		assertThat(this.registry.connected()).isEmpty();
		assertThat(this.registry.find(clientId).block(TIMEOUT)).as("kept for its TTL").isSameAs(session);
	}

	@Test
	void clientIdOfAnotherPrincipalIsForbidden() {
		String clientId = clientId();
		attach(clientId, ALICE, connection(), null);
		expectError(this.registry.attach(clientId, BOB, connection(), null), ErrorCode.FORBIDDEN);
		expectError(this.registry.require(clientId, BOB, null), ErrorCode.FORBIDDEN);
		assertThat(this.registry.require(clientId, ALICE, null).block(TIMEOUT).principal().getName())
			.isEqualTo("alice");
	}

	@Test
	void anonymousSessionIsUsedOnlyWithItsSecret() {
		String clientId = clientId();
		Principal anonymous = AnonymousPrincipal.forClient(clientId);
		SessionRegistry.Attached created = attach(clientId, anonymous, connection(), null);
		String secret = created.newSessionSecret();
		assertThat(secret).isNotBlank();
		expectError(this.registry.attach(clientId, anonymous, connection(), null), ErrorCode.FORBIDDEN);
		expectError(this.registry.attach(clientId, anonymous, connection(), secret + "x"), ErrorCode.FORBIDDEN);
		expectError(this.registry.require(clientId, anonymous, "wrong"), ErrorCode.FORBIDDEN);
		SessionRegistry.Attached resumed = attach(clientId, anonymous, connection(), secret);
		assertThat(resumed.session()).isSameAs(created.session());
		assertThat(resumed.newSessionSecret()).as("given once").isNull();
		assertThat(this.registry.require(clientId, anonymous, secret).block(TIMEOUT)).isSameAs(created.session());
		assertThat(this.registry.sessionCount(anonymous.getName()).block(TIMEOUT)).isOne();
	}

	@Test
	void acknowledgementsNeverGoBackWithinAnEpochAndANewEpochReplacesThem() {
		DefaultPushSession session = attach(clientId(), ALICE, connection(), null).session();
		acknowledge(session, 5, "e1");
		acknowledge(session, 3, "e1");
		assertThat(this.registry.acknowledged(session, "chat:a").block(TIMEOUT)).isEqualTo(new Position(5, "e1"));
		acknowledge(session, 2, "e2");
		assertThat(this.registry.acknowledged(session, "chat:a").block(TIMEOUT)).isEqualTo(new Position(2, "e2"));
		assertThat(session.acknowledged()).containsExactly(Map.entry("chat:a", new Position(2, "e2")));
		StepVerifier.create(this.registry.acknowledged(session, "chat:b")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void acknowledgementsOutliveTheConnection() {
		String clientId = clientId();
		ClientConnection connection = connection();
		DefaultPushSession session = attach(clientId, ALICE, connection, null).session();
		acknowledge(session, 7, "e1");
		this.registry.detach(session, connection);
		DefaultPushSession resumed = attach(clientId, ALICE, connection(), null).session();
		assertThat(this.registry.acknowledged(resumed, "chat:a").block(TIMEOUT)).isEqualTo(new Position(7, "e1"));
	}

	@Test
	void principalPastItsBoundLosesItsOldestDetachedSession() {
		ClientConnection first = connection();
		DefaultPushSession oldest = attach(clientId(), ALICE, first, null).session();
		ClientConnection second = connection();
		DefaultPushSession younger = attach(clientId(), ALICE, second, null).session();
		this.registry.detach(oldest, first);
		this.registry.detach(younger, second);
		DefaultPushSession newest = attach(clientId(), ALICE, connection(), null).session();
		assertThat(this.registry.find(oldest.clientId()).block(TIMEOUT)).isNull();
		assertThat(this.registry.find(younger.clientId()).block(TIMEOUT)).isSameAs(younger);
		assertThat(this.registry.find(newest.clientId()).block(TIMEOUT)).isSameAs(newest);
		assertThat(this.registry.sessionCount("alice").block(TIMEOUT)).isEqualTo(MAX_SESSIONS_PER_PRINCIPAL);
	}

	@Test
	void principalWhoseSessionsAreAllConnectedIsRateLimited() {
		for (int i = 0; i < MAX_SESSIONS_PER_PRINCIPAL; i++) {
			attach(clientId(), ALICE, connection(), null);
		}
		expectError(this.registry.attach(clientId(), ALICE, connection(), null), ErrorCode.RATE_LIMITED);
		assertThat(this.registry.sessionCount("alice").block(TIMEOUT)).isEqualTo(MAX_SESSIONS_PER_PRINCIPAL);
		// Other principals are counted apart.
		attach(clientId(), BOB, connection(), null);
		assertThat(this.registry.sessionCount("bob").block(TIMEOUT)).isOne();
	}

	private SessionRegistry.Attached attach(String clientId, Principal principal, ClientConnection connection,
			String secret) {
		SessionRegistry.Attached attached = this.registry.attach(clientId, principal, connection, secret)
			.block(TIMEOUT);
		assertThat(attached).isNotNull();
		return attached;
	}

	private void acknowledge(DefaultPushSession session, long cursor, String epoch) {
		this.registry.acknowledge(session, "chat:a", cursor, epoch).block(TIMEOUT);
	}

	private static void expectError(Mono<?> result, ErrorCode code) {
		StepVerifier.create(result)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(ProtocolException.class,
					(protocol) -> assertThat(protocol.code()).isEqualTo(code)))
			.verify(TIMEOUT);
	}

	private static String clientId() {
		return UUID.randomUUID().toString();
	}

}

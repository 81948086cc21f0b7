package io.pushwire.server.connection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.NullNode;

import io.pushwire.core.CloseReason;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OpDispatcher}: a table from the type of a client's message to its
 * handler, and the protocol's table as connections use it.
 */
class OpDispatcherTests {

	private final ConnectionFixture fixture = new ConnectionFixture();

	@AfterEach
	void close() {
		this.fixture.close();
	}

	@Test
	void routesAMessageToTheHandlerOfItsTypeWithItsConnection() {
		List<String> calls = new ArrayList<>();
		ClientConnection connection = this.fixture.connection().connection;
		OpDispatcher dispatcher = OpDispatcher.builder().on(SystemOp.Ack.class, (on, ack) -> {
			calls.add("ack " + ack.channel() + " " + ack.cursor() + " on " + ((on == connection) ? "it" : "another"));
			return Mono.empty();
		}).on(SystemOp.Ping.class, (on, ping) -> {
			calls.add("ping");
			return Mono.empty();
		}).build();
		StepVerifier.create(dispatcher.dispatch(connection, new SystemOp.Ack("chat:a", 7)))
			.expectComplete()
			.verify(ConnectionFixture.TIMEOUT);
		StepVerifier.create(dispatcher.dispatch(connection, new SystemOp.Ping()))
			.expectComplete()
			.verify(ConnectionFixture.TIMEOUT);
		assertThat(calls).containsExactly("ack chat:a 7 on it", "ping");
	}

	@Test
	void aMessageOfATypeWithoutHandlerIsRefusedAsBadMessageNamingItsType() {
		OpDispatcher dispatcher = OpDispatcher.builder().build();
		StepVerifier.create(dispatcher.dispatch(this.fixture.connection().connection, new SystemOp.Pong()))
			.expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(ProtocolException.class);
				assertThat(((ProtocolException) ex).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
				assertThat(ex).hasMessage("'pong' is not accepted from clients");
			})
			.verify(ConnectionFixture.TIMEOUT);
	}

	@Test
	void aLaterHandlerOfATypeReplacesTheEarlierOne() {
		List<String> calls = new ArrayList<>();
		OpDispatcher dispatcher = OpDispatcher.builder().on(SystemOp.Ping.class, (on, ping) -> {
			calls.add("first");
			return Mono.empty();
		}).on(SystemOp.Ping.class, (on, ping) -> {
			calls.add("second");
			return Mono.empty();
		}).build();
		dispatcher.dispatch(this.fixture.connection().connection, new SystemOp.Ping()).block(ConnectionFixture.TIMEOUT);
		assertThat(calls).containsExactly("second");
		assertThat(dispatcher.handles(SystemOp.Ping.class)).isTrue();
		assertThat(dispatcher.handles(SystemOp.Pong.class)).isFalse();
	}

	@Test
	void theProtocolsTableHandlesEveryOpAClientMaySendAfterAuth() {
		OpDispatcher table = this.fixture.node.factory().ops();
		List<Class<? extends PushMessage>> handled = List.of(Frame.class, SystemOp.Subscribe.class,
				SystemOp.Unsubscribe.class, SystemOp.Ack.class, SystemOp.Ping.class, SystemOp.Pong.class,
				SystemOp.Goodbye.class, SystemOp.Features.class, SystemOp.Refresh.class, SystemOp.Presence.class,
				SystemOp.Auth.class, SystemOp.Relay.class);
		assertThat(handled).allSatisfy((type) -> assertThat(table.handles(type)).as(type.getSimpleName()).isTrue());
		assertThat(table.handles(SystemOp.AuthOk.class)).isFalse();
	}

	@Test
	void aPingIsAnsweredWithAPongAndLeavesNoOperatorsBehind() {
		ConnectionFixture.Recorded client = this.fixture.started("ann", List.of());
		Mono<Void> handled = client.connection.handle(new SystemOp.Ping());
		assertThat(handled).isSameAs(Mono.empty());
		assertThat(client.labels()).containsExactly("auth_ok", "pong");
	}

	@Test
	void featuresAnswersTheRequestedOnesThisServerOffers() {
		ConnectionFixture.Recorded client = this.fixture.started("ann", List.of());
		client.connection.handle(new SystemOp.Features(List.of(), List.of("presence", "resume", "teleport")))
			.block(ConnectionFixture.TIMEOUT);
		SystemOp.Features answer = client.last(SystemOp.Features.class);
		assertThat(answer.supported()).containsExactlyElementsOf(PushServerSettings.BASE_FEATURES.stream()
			.filter((feature) -> List.of("presence", "resume", "teleport").contains(feature))
			.toList());
		assertThat(answer.requested()).isEmpty();
	}

	@Test
	void aSecondAuthIsABadMessageAndTheConnectionStaysOpen() {
		ConnectionFixture.Recorded client = this.fixture.started("ann", List.of());
		client.connection.handle(new SystemOp.Auth(null, null, List.of(), Map.of(), Map.of(), null))
			.block(ConnectionFixture.TIMEOUT);
		assertThat(client.labels()).containsExactly("auth_ok", "error:bad_message");
		assertThat(client.connection.closeReason()).isNull();
	}

	@Test
	void relayIsRefusedWithNoHandlerOnItsChannel() {
		ConnectionFixture.Recorded client = this.fixture.started("ann", List.of());
		client.connection.handle(new SystemOp.Relay("someone", "chat:a", NullNode.getInstance()))
			.block(ConnectionFixture.TIMEOUT);
		SystemOp.Error error = client.last(SystemOp.Error.class);
		assertThat(error.code()).isEqualTo(ErrorCode.NO_HANDLER.wireName());
		assertThat(error.channel()).isEqualTo("chat:a");
	}

	@Test
	void aGoodbyeClosesNormally() {
		ConnectionFixture.Recorded client = this.fixture.started("ann", List.of());
		client.connection.handle(SystemOp.Goodbye.of(CloseReason.NORMAL)).block(ConnectionFixture.TIMEOUT);
		assertThat(client.connection.closeReason()).isEqualTo(CloseReason.NORMAL);
		assertThat(client.labels()).endsWith("goodbye");
	}

}

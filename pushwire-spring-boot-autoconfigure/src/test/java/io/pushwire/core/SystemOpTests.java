package io.pushwire.core;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.pushwire.core.SystemOp.Direction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SystemOp}'s directions.
 */
class SystemOpTests {

	@Test
	void eachOpTravelsTheWayTheProtocolSays() {
		Map<String, Direction> directions = ProtocolCodecTests.allOps()
			.map((arguments) -> (SystemOp) arguments.get()[0])
			.collect(Collectors.toMap(SystemOp::type, SystemOp::direction, (a, b) -> a));
		assertThat(directions).hasSize(23);
		assertThat(typesOf(directions, Direction.CLIENT_TO_SERVER)).containsExactlyInAnyOrder("auth", "subscribe",
				"unsubscribe", "ack", "relay", "refresh", "presence");
		assertThat(typesOf(directions, Direction.SERVER_TO_CLIENT)).containsExactlyInAnyOrder("auth_ok", "subscribed",
				"unsubscribed", "resume_required", "slow", "error", "health", "mode_switch", "refreshed",
				"presence_list", "join", "leave");
		assertThat(typesOf(directions, Direction.BOTH)).containsExactlyInAnyOrder("ping", "pong", "goodbye",
				"features");
	}

	@ParameterizedTest
	@EnumSource(Direction.class)
	void sentByClientAndServerFollowFromTheDirection(Direction direction) {
		SystemOp op = ProtocolCodecTests.allOps()
			.map((arguments) -> (SystemOp) arguments.get()[0])
			.filter((candidate) -> candidate.direction() == direction)
			.findFirst()
			.orElseThrow();
		assertThat(op.sentByClient()).isEqualTo(direction != Direction.SERVER_TO_CLIENT);
		assertThat(op.sentByServer()).isEqualTo(direction != Direction.CLIENT_TO_SERVER);
	}

	@Test
	void everyDirectionIsSentBySomeone() {
		assertThat(Arrays.stream(Direction.values()))
			.allMatch((direction) -> direction.fromClient() || direction.fromServer());
		assertThat(Direction.BOTH.fromClient()).isTrue();
		assertThat(Direction.BOTH.fromServer()).isTrue();
	}

	private static List<String> typesOf(Map<String, Direction> directions, Direction direction) {
		return directions.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() == direction)
			.map(Map.Entry::getKey)
			.toList();
	}

}

package io.pushwire.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import io.pushwire.core.ResumeToken.Position;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link ResumeToken}.
 */
class ResumeTokenTests {

	@Test
	void parsesTokenOfProtocolExample() {
		ResumeToken token = ResumeToken.parse("chat:room-42=17@Xb3k,news=3@Q1pz");
		assertThat(token.positions()).containsExactly(entry("chat:room-42", new Position(17, "Xb3k")),
				entry("news", new Position(3, "Q1pz")));
	}

	@Test
	void formatsTokenOfProtocolExample() {
		Map<String, Position> positions = new LinkedHashMap<>();
		positions.put("chat:room-42", new Position(17, "Xb3k"));
		positions.put("news", new Position(3, "Q1pz"));
		assertThat(new ResumeToken(positions).format()).isEqualTo("chat:room-42=17@Xb3k,news=3@Q1pz");
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "chat:room-42=17@Xb3k,news=3@Q1pz", "news=3", "chat=0", "chat=0@E1", "orders:user:alice=5@e",
					"chat:a:b:c=9007199254740991@abcdefghijklmnop", "a=1,b=2@x,c=3,d:e=4@y_-", "chat:A.b_c~d-e=1" })
	void roundTripsThroughFormatAndParse(String text) {
		ResumeToken token = ResumeToken.parse(text);
		assertThat(token.format()).isEqualTo(text);
		assertThat(token).hasToString(text);
		assertThat(ResumeToken.parse(token.format())).isEqualTo(token);
	}

	@Test
	void keepsChannelOrder() {
		ResumeToken token = ResumeToken.parse("z=1,a=2,m=3");
		assertThat(token.positions().keySet()).containsExactly("z", "a", "m");
	}

	@Test
	void parsesEntryWithoutEpoch() {
		assertThat(ResumeToken.parse("news=3").positions()).containsExactly(entry("news", new Position(3, null)));
	}

	@Test
	void parsesCursorZero() {
		assertThat(ResumeToken.parse("chat=0@E1").positions()).containsExactly(entry("chat", new Position(0, "E1")));
	}

	@Test
	void parsesTopicContainingColons() {
		assertThat(ResumeToken.parse("orders:user:alice=5@e").positions())
			.containsExactly(entry("orders:user:alice", new Position(5, "e")));
	}

	@ParameterizedTest
	@NullAndEmptySource
	@ValueSource(strings = { " ", "\t", "  \n " })
	void parsesMissingOrBlankTokenAsNoPositions(String text) {
		ResumeToken token = ResumeToken.parse(text);
		assertThat(token.positions()).isEmpty();
		assertThat(token.format()).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = {
			// missing '=' or channel
			"chat", "chat:room-42", "=3", "=3@E", "chat=1,news",
			// cursor not a number
			"chat=", "chat=@E", "chat=x", "chat=1x", "chat=1.5", "chat=0x10", "chat= 1", "chat=1 ",
			"chat=99999999999999999999999",
			// cursor out of range
			"chat=-1", "chat=-1@E", "chat=9007199254740992",
			// bad epoch
			"chat=1@", "chat=1@abcdefghijklmnopq", "chat=1@a.b", "chat=1@a b", "chat=1@a@b", "chat=1@a:b",
			// bad channel
			"Chat=1", "1chat=1", "chat:=1", "chat room=1", "chat/x=1", "chat:caf\u00e9=1", " chat=1",
			// '=' cannot be part of a channel: the entry is split at the last '='
			"chat:a=b=3", "chat:a=b=3@E", "chat==3",
			// empty entries
			",", "chat=1,", ",chat=1", "chat=1,,news=2" })
	void refusesMalformedToken(String text) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> ResumeToken.parse(text))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE));
	}

	@Test
	void acceptsTokenOf256Channels() {
		String text = IntStream.range(0, 256).mapToObj((i) -> "c:" + i + "=" + i).collect(Collectors.joining(","));
		assertThat(ResumeToken.parse(text).positions()).hasSize(256);
	}

	@Test
	void refusesTokenOfMoreThan256Channels() {
		String text = IntStream.range(0, 257).mapToObj((i) -> "c:" + i + "=" + i).collect(Collectors.joining(","));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> ResumeToken.parse(text))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE))
			.withMessageContaining("256");
	}

	@Test
	void messageOfMalformedEntryIsAbbreviated() {
		String text = "chat=" + "x".repeat(10_000);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> ResumeToken.parse(text))
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(200));
	}

	@Test
	void withReplacesOnePositionAndKeepsOrder() {
		ResumeToken token = ResumeToken.parse("a=1@E,b=2@E");
		ResumeToken updated = token.with("a", 5, "F").with("c", 0, null);
		assertThat(updated.format()).isEqualTo("a=5@F,b=2@E,c=0");
		assertThat(token.format()).isEqualTo("a=1@E,b=2@E");
	}

	@Test
	void positionsCannotBeModified() {
		Map<String, Position> positions = new LinkedHashMap<>();
		positions.put("a", new Position(1, null));
		ResumeToken token = new ResumeToken(positions);
		positions.put("b", new Position(2, null));
		assertThat(token.positions()).containsOnlyKeys("a");
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> token.positions().put("c", new Position(3, null)));
	}

}

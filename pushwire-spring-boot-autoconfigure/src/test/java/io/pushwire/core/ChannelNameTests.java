package io.pushwire.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ChannelName}.
 */
class ChannelNameTests {

	@Test
	void parsesBareKind() {
		ChannelName name = ChannelName.parse("chat");
		assertThat(name.value()).isEqualTo("chat");
		assertThat(name.kind()).isEqualTo("chat");
		assertThat(name.topic()).isNull();
		assertThat(name).hasToString("chat");
	}

	@Test
	void parsesKindAndTopic() {
		ChannelName name = ChannelName.parse("chat:room-42");
		assertThat(name.value()).isEqualTo("chat:room-42");
		assertThat(name.kind()).isEqualTo("chat");
		assertThat(name.topic()).isEqualTo("room-42");
	}

	@Test
	void splitsKindAndTopicAtFirstColon() {
		ChannelName name = ChannelName.parse("orders:user:alice");
		assertThat(name.kind()).isEqualTo("orders");
		assertThat(name.topic()).isEqualTo("user:alice");
	}

	@Test
	void acceptsTopicThatStartsOrEndsWithColon() {
		assertThat(ChannelName.parse("chat::a").topic()).isEqualTo(":a");
		assertThat(ChannelName.parse("chat:a:").topic()).isEqualTo("a:");
	}

	@Test
	void recognisesSystemKind() {
		assertThat(ChannelName.parse("system").isSystem()).isTrue();
		assertThat(ChannelName.parse("system:audit").isSystem()).isTrue();
		assertThat(ChannelName.parse("systems").isSystem()).isFalse();
		assertThat(ChannelName.parse("chat:system").isSystem()).isFalse();
	}

	@Test
	void acceptsKindOf32Characters() {
		String kind = "k" + "a".repeat(31);
		assertThat(ChannelName.parse(kind).kind()).isEqualTo(kind);
		assertThat(ChannelName.isValidKind(kind)).isTrue();
	}

	@Test
	void acceptsTopicOf200Characters() {
		String topic = "T".repeat(200);
		assertThat(ChannelName.parse("chat:" + topic).topic()).isEqualTo(topic);
	}

	@Test
	void acceptsLongestPossibleName() {
		String value = "k" + "a".repeat(31) + ":" + "t".repeat(200);
		assertThat(value).hasSize(ChannelName.MAX_LENGTH);
		assertThat(ChannelName.parse(value).value()).isEqualTo(value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "a", "chat", "a1", "my_kind", "my-kind", "x-_9", "chat:room-42", "orders:user:alice",
			"system", "chat:A.b_c~d-e:9", "chat:~", "presence:room.1" })
	void acceptsValidNames(String value) {
		assertThat(ChannelName.isValid(value)).isTrue();
		assertThat(ChannelName.parse(value).value()).isEqualTo(value);
	}

	@ParameterizedTest
	@NullAndEmptySource
	void refusesMissingName(String value) {
		assertBadMessage(value);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Chat", "cHat", "CHAT:room", "1chat", "9:room", "_chat", "-chat", ":room", " chat",
			"chat ", "ch at", "chat\t", "chat\n", "chat: room", "chat:room 42", "chat,news", "chat:a,b", "chat=1",
			"chat:a=b", "chat@x", "chat:a@b", "chat/x", "chat:a/b", "chat:", "chat.x", "chat~", "chat:caf\u00e9",
			"\u00e9t\u00e9", "chat:\u0661", "chat:room\u00a0", "chat:\u2603", "ch\u0430t" })
	void refusesInvalidNames(String value) {
		assertThat(ChannelName.isValid(value)).isFalse();
		assertBadMessage(value);
	}

	@Test
	void refusesKindOf33Characters() {
		String kind = "k" + "a".repeat(32);
		assertThat(ChannelName.isValidKind(kind)).isFalse();
		assertBadMessage(kind);
		assertBadMessage(kind + ":topic");
	}

	@Test
	void refusesTopicOf201Characters() {
		assertBadMessage("chat:" + "t".repeat(201));
		assertBadMessage("k" + "a".repeat(31) + ":" + "t".repeat(201));
	}

	@Test
	void refusesNameLongerThanMaximumWithAbbreviatedMessage() {
		String value = "chat:" + "t".repeat(5000);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> ChannelName.parse(value))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE))
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(200));
	}

	@Test
	void validatesKindsOnTheirOwn() {
		assertThat(ChannelName.isValidKind("chat")).isTrue();
		assertThat(ChannelName.isValidKind(null)).isFalse();
		assertThat(ChannelName.isValidKind("")).isFalse();
		assertThat(ChannelName.isValidKind("chat:room")).isFalse();
		assertThat(ChannelName.isValidKind("Chat")).isFalse();
		assertThat(ChannelName.isValidKind("1chat")).isFalse();
	}

	private static void assertBadMessage(String value) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> ChannelName.parse(value))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE));
	}

}

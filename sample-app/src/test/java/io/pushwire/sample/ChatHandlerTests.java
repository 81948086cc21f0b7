package io.pushwire.sample;

import java.security.Principal;

import org.junit.jupiter.api.Test;

import io.pushwire.core.ErrorCode;
import io.pushwire.sample.ChatHandler.ChatInput;
import io.pushwire.sample.ChatHandler.ChatMessage;
import io.pushwire.server.handler.PushHandlerException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ChatHandler}.
 */
class ChatHandlerTests {

	private final ChatHandler handler = new ChatHandler();

	private final Principal alice = () -> "alice";

	@Test
	void publishesTextWithSenderName() {
		assertThat(this.handler.message(new ChatInput("hello"), this.alice))
			.isEqualTo(new ChatMessage("alice", "hello"));
	}

	@Test
	void refusesBlankText() {
		assertThatExceptionOfType(PushHandlerException.class)
			.isThrownBy(() -> this.handler.message(new ChatInput("  "), this.alice))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE));
	}

	@Test
	void refusesMissingText() {
		assertThatExceptionOfType(PushHandlerException.class)
			.isThrownBy(() -> this.handler.message(new ChatInput(null), this.alice))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE));
	}

	@Test
	void refusesMissingPayload() {
		assertThatExceptionOfType(PushHandlerException.class).isThrownBy(() -> this.handler.message(null, this.alice))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE));
	}

}

package io.pushwire.sample;

import java.security.Principal;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.ErrorCode;
import io.pushwire.server.handler.PushHandler;
import io.pushwire.server.handler.PushHandlerException;

/**
 * Handles the frames that clients send on {@code chat:*}: each message is published to
 * its room with the sender's name, which the client cannot forge.
 */
@PushHandler("chat")
public class ChatHandler {

	/**
	 * Turn a client's message into the frame everyone in the room receives.
	 * @param message the client's payload, {@code {"text":"..."}}
	 * @param sender who sent it
	 * @return the message to publish to the frame's channel
	 * @throws PushHandlerException with {@code bad_message} when the text is missing or
	 * blank
	 */
	@PushHandler
	public ChatMessage message(@Nullable ChatInput message, Principal sender) {
		String text = (message != null) ? message.text() : null;
		if (text == null || text.isBlank()) {
			throw new PushHandlerException(ErrorCode.BAD_MESSAGE,
					"A chat message needs a non-blank \"text\", such as {\"text\":\"hello\"}");
		}
		return new ChatMessage(sender.getName(), text);
	}

	/**
	 * What a client sends on a chat channel.
	 *
	 * @param text the message
	 */
	public record ChatInput(@Nullable String text) {

	}

	/**
	 * What the room receives.
	 *
	 * @param from the sender's name
	 * @param text the message
	 */
	public record ChatMessage(String from, String text) {

	}

}

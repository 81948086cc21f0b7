package io.pushwire.server.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.web.reactive.socket.WebSocketMessage;

/**
 * A received WebSocket message, read out of its buffer at once (the buffer is released as
 * soon as the receiving operator returns), checked for size and strictly decoded as
 * UTF-8.
 *
 * @param kind what it is
 * @param text the decoded text for a valid text message
 * @param bytes the bytes of a binary message
 */
record InboundMessage(Kind kind, @Nullable String text, byte @Nullable [] bytes) {

	enum Kind {

		TEXT, BINARY, CONTROL, TOO_LARGE, INVALID_UTF8

	}

	/**
	 * A message that needs no handling: a control frame, or anything once the connection
	 * closes.
	 */
	static final InboundMessage IGNORED = new InboundMessage(Kind.CONTROL, null, null);

	static InboundMessage read(WebSocketMessage message, long maxSize) {
		WebSocketMessage.Type type = message.getType();
		if (type == WebSocketMessage.Type.PING || type == WebSocketMessage.Type.PONG) {
			return IGNORED;
		}
		DataBuffer payload = message.getPayload();
		if (payload.readableByteCount() > maxSize) {
			return new InboundMessage(Kind.TOO_LARGE, null, null);
		}
		byte[] bytes = new byte[payload.readableByteCount()];
		payload.read(bytes);
		if (type == WebSocketMessage.Type.BINARY) {
			return new InboundMessage(Kind.BINARY, null, bytes);
		}
		try {
			String text = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(bytes))
				.toString();
			return new InboundMessage(Kind.TEXT, text, null);
		}
		catch (CharacterCodingException ex) {
			return new InboundMessage(Kind.INVALID_UTF8, null, null);
		}
	}

}

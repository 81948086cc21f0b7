package io.pushwire.server.websocket;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.web.reactive.socket.WebSocketMessage;

import io.pushwire.server.connection.Delivery;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebSocketSessionHandler}'s plain send path (the fast path is
 * {@link ChannelWriterTests}' and {@link ReactorNettyAccessTests}').
 */
class WebSocketSessionHandlerTests {

	@Test
	void plainPathSendsABinaryMessageForABinaryDeliveryAndATextMessageForAText() {
		DefaultDataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;
		byte[] binary = { 0x52, 0x50, 1 };
		WebSocketMessage first = WebSocketSessionHandler.toMessage(buffers, new Delivery(binary, null, false, true));
		assertThat(first.getType()).isEqualTo(WebSocketMessage.Type.BINARY);
		byte[] written = new byte[first.getPayload().readableByteCount()];
		first.getPayload().read(written);
		assertThat(written).containsExactly(binary);
		WebSocketMessage second = WebSocketSessionHandler.toMessage(buffers,
				new Delivery("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8), null, true, false));
		assertThat(second.getType()).isEqualTo(WebSocketMessage.Type.TEXT);
		assertThat(second.getPayloadAsText()).isEqualTo("{\"type\":\"ping\"}");
		DataBufferUtils.release(first.getPayload());
		DataBufferUtils.release(second.getPayload());
	}

}

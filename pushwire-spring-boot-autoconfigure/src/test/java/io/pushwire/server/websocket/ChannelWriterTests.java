package io.pushwire.server.websocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.pushwire.server.connection.Delivery;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChannelWriter} on an embedded channel.
 */
class ChannelWriterTests {

	private final AtomicInteger resumed = new AtomicInteger();

	@Test
	void writesTextFramesOfTheSharedBytesAndSendsThemOnFlush() {
		EmbeddedChannel channel = new EmbeddedChannel();
		ChannelWriter writer = new ChannelWriter(channel, this.resumed::incrementAndGet);
		byte[] json = "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8);
		assertThat(writer.ready()).isTrue();
		writer.write(new Delivery(json, null, true, false));
		writer.write(new Delivery(json, null, true, false));
		assertThat(channel.outboundMessages()).isEmpty();
		writer.flush();
		assertThat(channel.outboundMessages()).hasSize(2);
		TextWebSocketFrame frame = channel.readOutbound();
		assertThat(frame.text()).isEqualTo("{\"type\":\"ping\"}");
		frame.release();
		channel.finishAndReleaseAll();
	}

	@Test
	void writesABinaryFrameForABinaryDeliveryAndATextFrameForAText() {
		EmbeddedChannel channel = new EmbeddedChannel();
		ChannelWriter writer = new ChannelWriter(channel, this.resumed::incrementAndGet);
		byte[] binary = { 0x52, 0x50, 1, 0 };
		writer.write(new Delivery(binary, null, false, true));
		writer.write(new Delivery("{}".getBytes(StandardCharsets.UTF_8), null, false, false));
		writer.flush();
		WebSocketFrame first = channel.readOutbound();
		assertThat(first).isInstanceOf(BinaryWebSocketFrame.class);
		assertThat(ByteBufUtil.getBytes(first.content())).containsExactly(binary);
		WebSocketFrame second = channel.readOutbound();
		assertThat(second).isInstanceOf(TextWebSocketFrame.class);
		assertThat(((TextWebSocketFrame) second).text()).isEqualTo("{}");
		first.release();
		second.release();
		channel.finishAndReleaseAll();
	}

	@Test
	void isDoneWhenTheQueueCompletesOrTheChannelCloses() {
		EmbeddedChannel completed = new EmbeddedChannel();
		ChannelWriter first = new ChannelWriter(completed, this.resumed::incrementAndGet);
		first.complete();
		StepVerifier.create(first.done()).expectComplete().verify(Duration.ofSeconds(5));
		completed.finishAndReleaseAll();

		EmbeddedChannel dropped = new EmbeddedChannel();
		ChannelWriter second = new ChannelWriter(dropped, this.resumed::incrementAndGet);
		StepVerifier.create(second.done()).then(dropped::close).expectComplete().verify(Duration.ofSeconds(5));
		assertThat(second.ready()).isFalse();
	}

	@Test
	void resumesTheQueueWhenTheChannelBecomesWritableAgain() {
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.pipeline().addLast(new ChannelWriter(channel, this.resumed::incrementAndGet));
		channel.pipeline().fireChannelWritabilityChanged();
		assertThat(this.resumed).hasValue(1);
		channel.finishAndReleaseAll();
	}

}

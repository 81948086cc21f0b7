package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClosingHandshake}.
 */
class ClosingHandshakeTests {

	@Test
	void closeWaitsForTheClientsCloseFrameWhileDroppingWhatItSends() {
		EmbeddedChannel channel = new EmbeddedChannel(new ClosingHandshake(Duration.ofSeconds(2)));
		channel.config().setAutoRead(false);
		ChannelFuture closed = channel.pipeline().close();
		assertThat(channel.isOpen()).isTrue();
		assertThat(channel.config().isAutoRead()).as("reads the client's rest").isTrue();
		TextWebSocketFrame late = new TextWebSocketFrame("garbage");
		channel.writeInbound(late);
		assertThat(late.refCnt()).isZero();
		assertThat((Object) channel.readInbound()).isNull();
		// Reactor Netty closes again when the handler completes: still one close, later.
		ChannelFuture again = channel.pipeline().close();
		assertThat(channel.isOpen()).isTrue();
		channel.writeInbound(new CloseWebSocketFrame(1000, null));
		assertThat(channel.isOpen()).isFalse();
		assertThat(closed.isSuccess()).isTrue();
		assertThat(again.isSuccess()).isTrue();
	}

	@Test
	void closeHappensAfterTheTimeoutWhenTheClientNeverAnswers() {
		EmbeddedChannel channel = new EmbeddedChannel(new ClosingHandshake(Duration.ofSeconds(2)));
		// The channel's clock moves only when the test moves it: otherwise the real time
		// spent meanwhile (a slow or loaded machine) counts towards the 2 s.
		channel.freezeTime();
		// Through the pipeline: EmbeddedChannel.close() itself cancels the scheduled
		// tasks.
		channel.pipeline().close();
		channel.advanceTimeBy(1999, TimeUnit.MILLISECONDS);
		channel.runScheduledPendingTasks();
		assertThat(channel.isOpen()).isTrue();
		channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
		channel.runScheduledPendingTasks();
		assertThat(channel.isOpen()).isFalse();
	}

}

package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * Lets the client read the server's last words: added to the pipeline of a connection
 * that the server closes, after its {@code goodbye}, it holds the TCP close back until
 * the client's close frame, or for at most a short timeout, and meanwhile reads and drops
 * whatever the client still sends.
 * <p>
 * Closing a socket whose received data the server has not read makes the kernel reset the
 * connection instead of closing it: a client that was still sending (a flood being the
 * typical case) gets the reset, fails its own write, and sees 1006 without the
 * {@code goodbye} and close frame already on their way. Added only when closing, so the
 * connection's life until then has no extra handler.
 */
final class ClosingHandshake extends ChannelDuplexHandler {

	static final String HANDLER_NAME = "pushwire.closingHandshake";

	/**
	 * How long a client has to answer the close frame; what it sends meanwhile is read
	 * and dropped.
	 */
	static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final long timeoutMillis;

	/** The close held back; touched on the event loop only. */
	private @Nullable ChannelPromise held;

	private @Nullable ScheduledFuture<?> timer;

	private boolean closed;

	ClosingHandshake() {
		this(TIMEOUT);
	}

	ClosingHandshake(Duration timeout) {
		this.timeoutMillis = timeout.toMillis();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		// From now on nothing the client sends is processed: the connection is closing.
		boolean closeFrame = msg instanceof CloseWebSocketFrame;
		ReferenceCountUtil.release(msg);
		if (closeFrame) {
			closeNow(ctx);
		}
	}

	@Override
	public void channelReadComplete(ChannelHandlerContext ctx) {
		if (!ctx.channel().config().isAutoRead()) {
			ctx.read();
		}
	}

	@Override
	public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
		if (this.closed || !ctx.channel().isActive()) {
			ctx.close(promise);
			return;
		}
		ChannelPromise first = this.held;
		if (first != null) {
			// Reactor Netty closes again as the handler completes: one close, when the
			// client is done.
			ctx.channel().closeFuture().addListener((future) -> promise.trySuccess());
			return;
		}
		this.held = promise;
		this.timer = ctx.executor().schedule(() -> closeNow(ctx), this.timeoutMillis, TimeUnit.MILLISECONDS);
		// Reactor Netty stops reading while nobody asks for messages; the client's rest
		// must be read.
		ctx.channel().config().setAutoRead(true);
		ctx.read();
	}

	private void closeNow(ChannelHandlerContext ctx) {
		if (this.closed) {
			return;
		}
		this.closed = true;
		ScheduledFuture<?> pending = this.timer;
		if (pending != null) {
			pending.cancel(false);
		}
		ChannelPromise promise = this.held;
		ctx.close((promise != null) ? promise : ctx.newPromise());
	}

}

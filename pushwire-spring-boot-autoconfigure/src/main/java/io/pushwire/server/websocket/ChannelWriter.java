package io.pushwire.server.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import io.pushwire.server.connection.Delivery;
import io.pushwire.server.connection.OutboundQueue;

/**
 * Writes a connection's queue straight to its Netty channel, on the channel's event loop,
 * each message as a text or a binary frame as its {@link Delivery#binary()} says: a batch
 * per drain and one flush, and nothing while the channel is not writable. What the socket
 * has not taken stays in the connection's bounded queue, so the slow-consumer policy
 * applies to it, and Netty's own buffer holds at most its high water mark. As a pipeline
 * handler it resumes the queue when the channel becomes writable again. Made by
 * {@link ReactorNettyAccess}, the one place that reaches under WebFlux into Reactor
 * Netty.
 */
class ChannelWriter extends ChannelInboundHandlerAdapter implements OutboundQueue.Writer {

	static final String HANDLER_NAME = "pushwire.writer";

	private final Channel channel;

	private final Runnable onWritable;

	private final Sinks.Empty<Void> done = Sinks.empty();

	/**
	 * Create a writer.
	 * @param channel the connection's channel
	 * @param onWritable told when the channel became writable again (resumes the queue)
	 */
	ChannelWriter(Channel channel, Runnable onWritable) {
		this.channel = channel;
		this.onWritable = onWritable;
		// A closed channel takes nothing more: done, even if the queue still holds a
		// goodbye that a
		// client which stopped reading never took before the connection was dropped.
		channel.closeFuture().addListener((future) -> this.done.tryEmitEmpty());
	}

	/**
	 * The channel written to.
	 * @return the channel
	 */
	final Channel channel() {
		return this.channel;
	}

	/**
	 * Completes once the queue wrote its last message or the channel closed.
	 * @return the completion
	 */
	Mono<Void> done() {
		return this.done.asMono();
	}

	@Override
	public final boolean ready() {
		// False as well once the channel is closed (it has no outbound buffer then).
		return this.channel.isWritable();
	}

	@Override
	public void write(Delivery delivery) {
		// A failed write closes the channel; the void promise reports it to the pipeline,
		// which ends
		// the inbound side and with it the connection.
		this.channel.write(delivery.binary() ? new BinaryWebSocketFrame(Unpooled.wrappedBuffer(delivery.bytes()))
				: new TextWebSocketFrame(Unpooled.wrappedBuffer(delivery.bytes())), this.channel.voidPromise());
	}

	@Override
	public final void flush() {
		this.channel.flush();
	}

	@Override
	public final void complete() {
		this.done.tryEmitEmpty();
	}

	@Override
	public final void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (ctx.channel().isWritable()) {
			this.onWritable.run();
		}
		ctx.fireChannelWritabilityChanged();
	}

}

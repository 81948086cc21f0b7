package io.pushwire.server.websocket;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;

import io.pushwire.server.connection.Delivery;

/**
 * The {@link ChannelWriter} of a binary connection: a message larger than the fragment
 * size goes out as fragments once the client announced them (PROTOCOL.md §8.2). The
 * shared encoding is copied into fragments per connection, which only happens for large
 * messages to clients that asked for fragments.
 */
final class BinaryChannelWriter extends ChannelWriter {

	private final BinarySession binary;

	BinaryChannelWriter(Channel channel, Runnable onWritable, BinarySession binary) {
		super(channel, onWritable);
		this.binary = binary;
	}

	@Override
	public void write(Delivery delivery) {
		byte[] bytes = delivery.bytes();
		if (!delivery.binary() || !this.binary.splits(bytes)) {
			super.write(delivery);
			return;
		}
		for (byte[] fragment : this.binary.outgoing(bytes)) {
			channel().write(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(fragment)), channel().voidPromise());
		}
	}

}

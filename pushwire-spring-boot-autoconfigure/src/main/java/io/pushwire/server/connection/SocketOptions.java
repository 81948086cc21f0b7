package io.pushwire.server.connection;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;

/**
 * Socket options of push connections, set once the request is known to be one (an upgrade or an SSE
 * stream), so that the application's other HTTP traffic keeps the server's defaults.
 */
final class SocketOptions {

	private SocketOptions() {
	}

	/**
	 * Fix the kernel send buffer of a connection's socket, which turns off the kernel's auto-tuning
	 * for it: what the client has not read then waits in the bounded outbound queue, not in up to
	 * megabytes of kernel memory per connection.
	 * @param channel the connection's channel
	 * @param bytes the size, 0 to leave the system's default
	 */
	static void sendBuffer(Channel channel, long bytes) {
		if (bytes > 0) {
			// Returns false where the transport has no such option (an embedded or local channel).
			channel.config().setOption(ChannelOption.SO_SNDBUF, (int) bytes);
		}
	}

}

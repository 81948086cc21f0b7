package io.pushwire.server.netty;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.util.concurrent.EventExecutor;

import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.LoopExecutor;

/**
 * Binds push connections to the Netty channels that carry them. The {@code connection}
 * package knows only a {@link LoopExecutor}; Netty stays on the transport side, here.
 *
 * @since 0.1.0
 */
public final class NettyConnections {

	/**
	 * One adapter per event loop, dropped when the loop terminates: streams group
	 * listeners by executor, and a connection must not cost an adapter of its own.
	 */
	private static final Map<EventExecutor, LoopExecutor> LOOPS = new ConcurrentHashMap<>();

	private NettyConnections() {
	}

	/**
	 * Bind a connection to its channel: it drains and writes on the channel's event loop
	 * (not on publishing threads, and before subscribing, so that streams give this
	 * connection's frames to that loop in batches), and the socket's send buffer is fixed
	 * to {@code socket-send-buffer}.
	 * @param connection the connection
	 * @param channel the channel that carries it
	 * @param sendBuffer the send buffer's size, 0 to leave the system's default
	 */
	public static void bind(ClientConnection connection, Channel channel, long sendBuffer) {
		connection.runOn(executor(channel.eventLoop()));
		sendBuffer(channel, sendBuffer);
	}

	/**
	 * The {@link LoopExecutor} of an event loop, the same instance for every call on that
	 * loop.
	 * @param loop the loop
	 * @return its executor
	 */
	static LoopExecutor executor(EventExecutor loop) {
		LoopExecutor executor = LOOPS.get(loop);
		if (executor != null) {
			return executor;
		}
		LoopExecutor created = new EventLoopExecutor(loop);
		executor = LOOPS.putIfAbsent(loop, created);
		if (executor != null) {
			return executor;
		}
		// Outside the map's update: a loop terminated already runs the listener at once.
		loop.terminationFuture().addListener((future) -> LOOPS.remove(loop, created));
		return created;
	}

	/**
	 * Fix the kernel send buffer of a connection's socket, which turns off the kernel's
	 * auto-tuning for it: what the client has not read then waits in the bounded outbound
	 * queue, not in up to megabytes of kernel memory per connection. Set once the request
	 * is known to be a push connection (an upgrade or an SSE stream), so that the
	 * application's other HTTP traffic keeps the server's defaults.
	 * @param channel the connection's channel
	 * @param bytes the size, 0 to leave the system's default
	 */
	static void sendBuffer(Channel channel, long bytes) {
		if (bytes > 0) {
			// Returns false where the transport has no such option (an embedded or local
			// channel).
			channel.config().setOption(ChannelOption.SO_SNDBUF, (int) bytes);
		}
	}

	private record EventLoopExecutor(EventExecutor loop) implements LoopExecutor {

		@Override
		public void execute(Runnable task) {
			this.loop.execute(task);
		}

		@Override
		public boolean inLoop() {
			return this.loop.inEventLoop();
		}

	}

}

package io.pushwire.server.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.pushwire.server.connection.LoopExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NettyConnections} on a real connected socket.
 */
class NettyConnectionsTests {

	private ServerSocket server;

	private EventLoopGroup group;

	private Channel channel;

	@BeforeEach
	void connect() throws Exception {
		this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
		this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		this.channel = new Bootstrap().group(this.group)
			.channel(NioSocketChannel.class)
			.handler(new ChannelInboundHandlerAdapter())
			.connect(new InetSocketAddress(this.server.getInetAddress(), this.server.getLocalPort()))
			.sync()
			.channel();
	}

	@AfterEach
	void close() throws Exception {
		this.channel.close().sync();
		this.group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
		this.server.close();
	}

	@Test
	void fixesTheSendBufferOfAConnectedSocket() {
		NettyConnections.sendBuffer(this.channel, 32 * 1024);
		// Linux reports twice what was asked (half of it is bookkeeping); other systems
		// report it as is.
		assertThat(this.channel.config().getOption(ChannelOption.SO_SNDBUF)).isBetween(32 * 1024, 64 * 1024);
	}

	@Test
	void zeroLeavesTheSystemDefault() {
		int before = this.channel.config().getOption(ChannelOption.SO_SNDBUF);
		NettyConnections.sendBuffer(this.channel, 0);
		assertThat(this.channel.config().getOption(ChannelOption.SO_SNDBUF)).isEqualTo(before);
	}

	@Test
	void aLoopHasOneExecutorThatKnowsWhetherTheCallerIsOnIt() throws Exception {
		EventLoop loop = this.channel.eventLoop();
		LoopExecutor executor = NettyConnections.executor(loop);
		assertThat(NettyConnections.executor(loop)).isSameAs(executor);
		assertThat(executor.inLoop()).isFalse();
		assertThat(loop.submit(executor::inLoop).get(5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Thread> ran = new CompletableFuture<>();
		executor.execute(() -> ran.complete(Thread.currentThread()));
		assertThat(ran.get(5, TimeUnit.SECONDS)).isSameAs(loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS));
	}

	@Test
	void aTerminatedLoopsExecutorIsDropped() throws Exception {
		EventLoopGroup other = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
		EventLoop loop = other.next();
		LoopExecutor executor = NettyConnections.executor(loop);
		other.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
		loop.terminationFuture().sync();
		// The listener runs on the loop's termination: wait for it rather than for a
		// fixed time.
		org.awaitility.Awaitility.await()
			.atMost(java.time.Duration.ofSeconds(5))
			.until(() -> NettyConnections.executor(loop) != executor);
	}

}

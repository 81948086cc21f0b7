package io.pushwire.client;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * A TCP proxy for tests: forwards bytes both ways and drops both sides of a connection
 * after a (seeded) random number of server-to-client bytes, or on demand; can also refuse
 * WebSocket upgrades with HTTP 403 so that clients must fall back to SSE.
 */
final class CuttingProxy implements AutoCloseable {

	private final DisposableServer server;

	private final Random random;

	private final long minBytes;

	private final long maxBytes;

	private volatile boolean refuseUpgrades;

	private final AtomicInteger cuts = new AtomicInteger();

	private final AtomicInteger connections = new AtomicInteger();

	private final Set<Connection[]> live = ConcurrentHashMap.newKeySet();

	/**
	 * Start a proxy.
	 * @param targetPort the server's port on localhost
	 * @param minBytes the fewest server-to-client bytes before a cut, 0 for never
	 * @param maxBytes the most
	 * @param seed the seed of the cut points
	 */
	CuttingProxy(int targetPort, long minBytes, long maxBytes, long seed) {
		this(new int[] { targetPort }, minBytes, maxBytes, seed);
	}

	/**
	 * Start a proxy in front of several servers (nodes of one cluster): each new
	 * connection goes to the next of them in turn, so a client that reconnects moves to
	 * another node.
	 * @param targetPorts the servers' ports on localhost
	 * @param minBytes the fewest server-to-client bytes before a cut, 0 for never
	 * @param maxBytes the most
	 * @param seed the seed of the cut points
	 */
	CuttingProxy(int[] targetPorts, long minBytes, long maxBytes, long seed) {
		this.random = new Random(seed);
		this.minBytes = minBytes;
		this.maxBytes = maxBytes;
		this.server = TcpServer.create().host("127.0.0.1").port(0).handle((in, out) -> {
			int targetPort = targetPorts[(this.connections.getAndIncrement()) % targetPorts.length];
			Connection[] pair = new Connection[2];
			in.withConnection((connection) -> pair[0] = connection);
			long limit = nextLimit();
			AtomicLong seen = new AtomicLong();
			return TcpClient.create().host("127.0.0.1").port(targetPort).connect().flatMap((upstream) -> {
				pair[1] = upstream;
				this.live.add(pair);
				Flux<ByteBuf> fromClient = in.receive().retain().switchOnFirst((first, flux) -> {
					if (this.refuseUpgrades && first.hasValue() && isUpgrade(first.get())) {
						flux.subscribe(ByteBuf::release, (ex) -> {
						});
						pair[0].outbound()
							.sendString(Mono
								.just("HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"))
							.then()
							.subscribe(null, (ex) -> {
							}, () -> cut(pair, false));
						return Flux.empty();
					}
					return flux;
				});
				Mono<Void> up = upstream.outbound().send(fromClient).then();
				Mono<Void> down = out.send(upstream.inbound().receive().retain().doOnNext((buffer) -> {
					if (limit > 0 && seen.addAndGet(buffer.readableBytes()) > limit) {
						cut(pair, true);
					}
				})).then();
				return Mono.when(up, down).onErrorResume((ex) -> Mono.empty()).doFinally((signal) -> cut(pair, false));
			});
		}).bindNow();
	}

	private static boolean isUpgrade(ByteBuf buffer) {
		String head = buffer
			.toString(buffer.readerIndex(), Math.min(buffer.readableBytes(), 2048), StandardCharsets.ISO_8859_1)
			.toLowerCase();
		return head.contains("upgrade: websocket");
	}

	private synchronized long nextLimit() {
		if (this.minBytes <= 0) {
			return 0;
		}
		return this.minBytes + (long) (this.random.nextDouble() * (this.maxBytes - this.minBytes));
	}

	private void cut(Connection[] pair, boolean counted) {
		if (this.live.remove(pair) && counted) {
			this.cuts.incrementAndGet();
		}
		for (Connection connection : pair) {
			if (connection != null) {
				connection.dispose();
			}
		}
	}

	/**
	 * Drop every live connection now.
	 */
	void cutAll() {
		for (Connection[] pair : this.live) {
			cut(pair, true);
		}
	}

	void refuseUpgrades(boolean refuse) {
		this.refuseUpgrades = refuse;
	}

	int port() {
		return this.server.port();
	}

	int cuts() {
		return this.cuts.get();
	}

	int connections() {
		return this.connections.get();
	}

	@Override
	public void close() {
		cutAll();
		this.server.disposeNow();
	}

}

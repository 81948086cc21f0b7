package io.pushwire.server.connection;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.CloseReason;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.stream.InMemoryChannelStreamStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HeartbeatMonitor} on virtual time: a heartbeat of 1 s and a grace of 1
 * s, so a tick every 250 ms. The connections are created (their clocks read) before the
 * test's time origin, so that each boundary below is crossed by a whole tick rather than
 * by the nanoseconds between.
 */
class HeartbeatMonitorTests {

	private static final Duration HEARTBEAT = Duration.ofSeconds(1);

	private final InMemoryChannelStreamStore streams = new InMemoryChannelStreamStore();

	private final InMemorySessionRegistry sessions = new InMemorySessionRegistry(Duration.ofMinutes(5));

	private final TestNode node = new TestNode(
			new PushServerSettings(HEARTBEAT, HEARTBEAT, Duration.ofSeconds(10), 64 * 1024, Duration.ofMinutes(5),
					1024 * 1024, Duration.ofSeconds(30), 0, 256, 10_000, false, PushServerSettings.BASE_FEATURES),
			new ChannelRegistry(List.of(ChannelKind.builder("chat").build())), this.streams, this.sessions,
			(request) -> Mono.empty(), ChannelAuthorizer.declarative(), new ChannelHandlerRegistry(),
			new ProtocolCodec(), JsonMapper.builder().build());

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	private final Map<ClientConnection, Integer> pings = new ConcurrentHashMap<>();

	private HeartbeatMonitor monitor;

	@AfterEach
	void dispose() {
		if (this.monitor != null) {
			this.monitor.dispose();
		}
		this.node.dispose();
		this.sessions.dispose();
		this.streams.dispose();
		this.scheduler.dispose();
	}

	@Test
	void pingsEachConnectionOnceAnIntervalAndClosesItWhenSilentPastTheGrace() {
		ClientConnection connection = connection(true);
		startMonitor().register(connection);
		advance(Duration.ofMillis(750));
		assertThat(pings(connection)).isZero();
		advance(Duration.ofMillis(250));
		assertThat(pings(connection)).isOne();
		advance(Duration.ofMillis(750));
		assertThat(pings(connection)).isOne();
		assertThat(connection.closeReason()).isNull();
		// Silent for more than heartbeat + grace (2 s): closed rather than pinged again.
		advance(Duration.ofMillis(500));
		assertThat(connection.closeReason()).isEqualTo(CloseReason.HEARTBEAT_TIMEOUT);
		advance(Duration.ofSeconds(5));
		assertThat(pings(connection)).isOne();
	}

	@Test
	void oneWayConnectionIsPingedButNeverClosedForSilence() {
		ClientConnection connection = connection(false);
		startMonitor().register(connection);
		advance(Duration.ofSeconds(10));
		assertThat(connection.closeReason()).isNull();
		assertThat(pings(connection)).isEqualTo(10);
	}

	@Test
	void unregisteredConnectionIsNoLongerTicked() {
		ClientConnection connection = connection(true);
		startMonitor().register(connection);
		advance(HEARTBEAT);
		this.monitor.unregister(connection);
		advance(Duration.ofSeconds(10));
		assertThat(pings(connection)).isOne();
		assertThat(connection.closeReason()).isNull();
	}

	@Test
	void aConnectionWhoseTickFailsDoesNotStopTheOthers() {
		// One-way connections: silent for 2 s, the others would be closed rather than
		// pinged again.
		ClientConnection failing = this.node.connection(new Transport(false) {

			@Override
			public void heartbeat(ClientConnection connection) {
				super.heartbeat(connection);
				throw new IllegalStateException("transport gone");
			}

		});
		ClientConnection healthy = connection(false);
		HeartbeatMonitor started = startMonitor();
		started.register(failing);
		started.register(healthy);
		advance(HEARTBEAT.multipliedBy(2));
		assertThat(pings(healthy)).isEqualTo(2);
		assertThat(pings(failing)).as("the monitor goes on ticking").isEqualTo(2);
	}

	@Test
	void disposedMonitorTicksNoMore() {
		ClientConnection connection = connection(true);
		startMonitor().register(connection);
		this.monitor.dispose();
		advance(Duration.ofSeconds(10));
		assertThat(pings(connection)).isZero();
	}

	private HeartbeatMonitor startMonitor() {
		long origin = System.nanoTime();
		this.monitor = new HeartbeatMonitor(HEARTBEAT, HEARTBEAT, this.scheduler,
				() -> origin + this.scheduler.now(TimeUnit.NANOSECONDS));
		return this.monitor;
	}

	private void advance(Duration duration) {
		this.scheduler.advanceTimeBy(duration);
	}

	private ClientConnection connection(boolean expectsInbound) {
		return this.node.connection(new Transport(expectsInbound));
	}

	private int pings(ClientConnection connection) {
		return this.pings.getOrDefault(connection, 0);
	}

	private class Transport implements ConnectionTransport {

		private final boolean expectsInbound;

		Transport(boolean expectsInbound) {
			this.expectsInbound = expectsInbound;
		}

		@Override
		public String name() {
			return "test";
		}

		@Override
		public void heartbeat(ClientConnection connection) {
			HeartbeatMonitorTests.this.pings.merge(connection, 1, Integer::sum);
		}

		@Override
		public boolean expectsInbound() {
			return this.expectsInbound;
		}

		@Override
		public void abort(CloseReason reason) {
		}

	}

}

package io.pushwire.server.rtc;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.pushwire.server.PeerRouteMode;
import io.pushwire.server.connection.InMemorySessionRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PeerRoutes}, on virtual time (the clients are not connected: the
 * routes' state is what is checked; RtcIntegrationTests checks the ops).
 */
class PeerRoutesTests {

	private final InMemorySessionRegistry sessions = new InMemorySessionRegistry(Duration.ofMinutes(5));

	private final VirtualTimeScheduler clock = VirtualTimeScheduler.create();

	private final PeerRoutes routes = new PeerRoutes(new RtcSettings(2, Duration.ofSeconds(10), Duration.ofSeconds(25),
			1000, 1000, 8, null, Duration.ofHours(1), null, List.of()), this.sessions);

	PeerRoutesTests() {
		this.routes.setTimers(this.clock);
	}

	@AfterEach
	void dispose() {
		this.sessions.dispose();
		this.clock.dispose();
	}

	@Test
	void backoffDoublesUpToItsCap() {
		assertThat(this.routes.backoff(1)).hasSeconds(10);
		assertThat(this.routes.backoff(2)).hasSeconds(20);
		assertThat(this.routes.backoff(3)).hasSeconds(25);
		assertThat(this.routes.backoff(60)).hasSeconds(25);
	}

	@Test
	void aPairHasOneRouteWhicheverPeerActs() {
		assertThat(this.routes.switchTo("rtc:a", "x", "y", PeerRouteMode.P2P, PeerRoutes.REQUESTED)).isTrue();
		assertThat(this.routes.switchTo("rtc:a", "y", "x", PeerRouteMode.P2P, PeerRoutes.REQUESTED)).isFalse();
		assertThat(this.routes.size()).isEqualTo(1);
		assertThat(this.routes.state("y", "x").generation()).isEqualTo(1);
	}

	@Test
	void recoversAfterTheBackoffUnlessTheRouteLeftRelay() {
		this.routes.status("rtc:a", "x", "y", "failed");
		this.routes.status("rtc:a", "y", "x", "failed");
		assertThat(this.routes.state("x", "y")).isEqualTo(new PeerRoutes.RouteState(PeerRouteMode.RELAY, 1, 0));
		this.clock.advanceTimeBy(Duration.ofSeconds(10));
		assertThat(this.routes.state("x", "y")).isEqualTo(new PeerRoutes.RouteState(PeerRouteMode.P2P, 2, 0));
		this.routes.status("rtc:a", "x", "y", "failed");
		this.routes.status("rtc:a", "x", "y", "failed");
		this.routes.switchTo("rtc:a", "x", "y", PeerRouteMode.DIRECT, PeerRoutes.OPERATOR_OVERRIDE);
		this.routes.switchTo("rtc:a", "x", "y", PeerRouteMode.RELAY, PeerRoutes.REQUESTED);
		this.clock.advanceTimeBy(Duration.ofMinutes(5));
		assertThat(this.routes.state("x", "y")).isEqualTo(new PeerRoutes.RouteState(PeerRouteMode.RELAY, 5, 0));
	}

	@Test
	void isForgottenWhenEitherPeerLeavesTheLastRoomItWasUsedIn() {
		this.routes.status("rtc:a", "x", "y", "failed");
		this.routes.status("rtc:b", "x", "y", "failed");
		this.routes.left("rtc:a", "y");
		assertThat(this.routes.state("x", "y")).isNotNull();
		this.routes.left("rtc:b", "x");
		assertThat(this.routes.state("x", "y")).isNull();
		assertThat(this.routes.size()).isZero();
		// Its pending recovery went with it.
		this.clock.advanceTimeBy(Duration.ofMinutes(5));
		assertThat(this.routes.size()).isZero();
	}

}

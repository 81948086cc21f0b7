package io.pushwire.autoconfigure.actuate;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

import io.pushwire.server.stream.StoreHealth;
import io.pushwire.server.support.PushServerStatistics;

/**
 * The {@code pushwire} health indicator ({@code /actuator/health/pushwire}): {@code UP};
 * {@code OUT_OF_SERVICE} while the node drains for a shutdown; {@code DOWN} with a
 * {@code store} detail when a store that can be unreachable ({@link StoreHealth}) cannot
 * be reached. Details: {@code connections} by transport, {@code retainedBytes} and
 * {@code activeStreams}; no client id or principal.
 *
 * @since 0.1.0
 */
public final class PushwireHealthIndicator implements ReactiveHealthIndicator {

	private final PushServerStatistics statistics;

	/**
	 * Create the indicator.
	 * @param statistics the node's statistics
	 */
	public PushwireHealthIndicator(PushServerStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public Mono<Health> health() {
		return this.statistics.checkStores().map(this::health);
	}

	private Health health(StoreHealth.Check stores) {
		Health.Builder builder;
		if (!stores.reachable()) {
			builder = Health.down().withDetail("store", String.valueOf(stores.detail()));
		}
		else if (!this.statistics.isAccepting()) {
			builder = Health.outOfService().withDetail("draining", true);
		}
		else {
			builder = Health.up();
		}
		return builder.withDetail("connections", this.statistics.connectionsByTransport())
			.withDetail("retainedBytes", this.statistics.retainedBytes())
			.withDetail("activeStreams", this.statistics.activeStreams())
			.build();
	}

}

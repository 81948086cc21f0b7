package io.pushwire.sample;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.pushwire.server.PushServer;

/**
 * Publishes a tick to the {@code ticker} channel every second while the application runs.
 * <p>
 * Started last and stopped first by the application context, so no tick is published to a
 * server that is shutting down. A tick that cannot be published is logged and skipped; a
 * slow publish makes the ticker drop ticks rather than queue them.
 */
@Component
public class TickerPublisher implements SmartLifecycle {

	/** The channel the ticks are published to. */
	public static final String CHANNEL = "ticker";

	private static final Log logger = LogFactory.getLog(TickerPublisher.class);

	private static final Duration PERIOD = Duration.ofSeconds(1);

	private final PushServer pushServer;

	private final Scheduler scheduler;

	private volatile @Nullable Disposable ticks;

	/**
	 * Create a ticker on the parallel scheduler.
	 * @param pushServer the server to publish to
	 */
	@Autowired
	public TickerPublisher(PushServer pushServer) {
		this(pushServer, Schedulers.parallel());
	}

	TickerPublisher(PushServer pushServer, Scheduler scheduler) {
		this.pushServer = pushServer;
		this.scheduler = scheduler;
	}

	@Override
	public synchronized void start() {
		if (this.ticks == null) {
			this.ticks = Flux.interval(PERIOD, PERIOD, this.scheduler)
				.onBackpressureDrop()
				.concatMap((n) -> publish(n + 1), 1)
				.subscribe();
		}
	}

	private Mono<?> publish(long seq) {
		return Mono.defer(() -> this.pushServer.publish(CHANNEL, new Tick(seq, System.currentTimeMillis())))
			.onErrorResume((ex) -> {
				logger.warn("Could not publish tick " + seq + " to '" + CHANNEL + "'", ex);
				return Mono.empty();
			});
	}

	@Override
	public synchronized void stop() {
		Disposable ticks = this.ticks;
		if (ticks != null) {
			ticks.dispose();
			this.ticks = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.ticks != null;
	}

	/**
	 * A tick.
	 *
	 * @param seq the tick's number, from 1 since startup
	 * @param at when it was made, in epoch milliseconds
	 */
	public record Tick(long seq, long at) {

	}

}

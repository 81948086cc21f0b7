package io.pushwire.client;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Ends a connection that went silent (PROTOCOL.md §4.5): the server pings every
 * {@code heartbeat_ms}, so nothing heard for {@code heartbeat_ms} + grace means a dead
 * connection, even when TCP has not noticed.
 */
final class Watchdog {

	private Watchdog() {
	}

	/**
	 * Watch an inbound sequence.
	 * @param inbound the messages
	 * @param limit the allowed silence, read again after every message (it changes at
	 * {@code auth_ok})
	 * @param scheduler the timer
	 * @param <T> the type of the messages
	 * @return the messages, failing with a {@link PushConnectionException} 4010 after too
	 * long a silence
	 */
	static <T> Flux<T> watch(Flux<T> inbound, Supplier<Duration> limit, Scheduler scheduler) {
		return inbound
			.timeout(Mono.defer(() -> Mono.delay(limit.get(), scheduler)), (item) -> Mono.delay(limit.get(), scheduler))
			.onErrorMap(TimeoutException.class, (ex) -> new PushConnectionException(4010, "heartbeat_timeout", 0,
					"Nothing heard from the server for " + limit.get() + "; reconnecting", ex));
	}

}

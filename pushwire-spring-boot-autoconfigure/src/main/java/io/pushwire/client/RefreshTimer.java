package io.pushwire.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Sends {@code refresh} ahead of the credentials' expiry (PROTOCOL.md §7.1): when
 * {@code ratio} of the remaining lifetime has passed, asks the credentials for a fresh
 * token and hands it to the sender. Rescheduled by every {@code auth_ok} and
 * {@code refreshed}; one timer per connection.
 */
final class RefreshTimer implements Disposable {

	static final long MAX_DELAY_MS = Integer.MAX_VALUE;

	private final Scheduler scheduler;

	private final double ratio;

	private final Supplier<Mono<String>> tokens;

	private final Function<String, Mono<Void>> sender;

	private final Consumer<Throwable> onError;

	private @Nullable Disposable task;

	private volatile boolean disposed;

	RefreshTimer(Scheduler scheduler, double ratio, Supplier<Mono<String>> tokens, Function<String, Mono<Void>> sender,
			Consumer<Throwable> onError) {
		this.scheduler = scheduler;
		this.ratio = ratio;
		this.tokens = tokens;
		this.sender = sender;
		this.onError = onError;
	}

	/**
	 * Schedule the next refresh.
	 * @param expiresAtMs the expiry (Unix ms), or {@code null} when the credentials do
	 * not expire
	 * @return the delay until the refresh, or {@code null} when none was scheduled
	 */
	synchronized @Nullable Duration schedule(@Nullable Long expiresAtMs) {
		cancel();
		if (expiresAtMs == null || this.disposed) {
			return null;
		}
		long remaining = expiresAtMs - this.scheduler.now(TimeUnit.MILLISECONDS);
		// Capped so that a far expiry cannot overflow a scheduler's clock; refreshing
		// early is harmless.
		Duration delay = Duration.ofMillis(Math.min(MAX_DELAY_MS, Math.max(0, (long) (remaining * this.ratio))));
		this.task = Mono.delay(delay, this.scheduler)
			.then(Mono.defer(this.tokens))
			.flatMap(this.sender)
			.subscribe(null, this.onError);
		return delay;
	}

	private void cancel() {
		if (this.task != null) {
			this.task.dispose();
			this.task = null;
		}
	}

	@Override
	public synchronized void dispose() {
		this.disposed = true;
		cancel();
	}

	@Override
	public boolean isDisposed() {
		return this.disposed;
	}

}

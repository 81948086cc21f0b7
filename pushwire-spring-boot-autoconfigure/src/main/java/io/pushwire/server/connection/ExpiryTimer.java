package io.pushwire.server.connection;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;

/**
 * The expiry of one connection's credentials (PROTOCOL.md §7.1): runs an action once the
 * wall clock reaches it, unless it was moved (a {@code refresh}) or cancelled (the
 * connection ended) first. One scheduled task while armed, none for credentials that do
 * not expire; nothing on the delivery path.
 */
final class ExpiryTimer {

	private static final long NEVER = Long.MAX_VALUE;

	private static final Instant LAST_MILLI = Instant.ofEpochMilli(NEVER - 1);

	private static final long MAX_DELAY_MS = TimeUnit.DAYS.toMillis(1);

	private final Supplier<Scheduler> timers;

	private final Runnable onExpiry;

	private volatile long expiresAtMs = NEVER;

	private @Nullable Disposable task;

	private boolean cancelled;

	/**
	 * Create a timer, not armed.
	 * @param timers the scheduler to arm on, whose {@link Scheduler#now} is the wall
	 * clock
	 * @param onExpiry what to do at expiry
	 */
	ExpiryTimer(Supplier<Scheduler> timers, Runnable onExpiry) {
		this.timers = timers;
		this.onExpiry = onExpiry;
	}

	/**
	 * An expiry as Unix milliseconds, as {@code auth_ok} and {@code refreshed} carry it.
	 * @param expiry the expiry or {@code null}
	 * @return the milliseconds, or {@code null} for none (or one past the range of a
	 * long: never)
	 */
	static @Nullable Long epochMillis(@Nullable Instant expiry) {
		return (expiry == null || expiry.isAfter(LAST_MILLI)) ? null : expiry.toEpochMilli();
	}

	/**
	 * Arm for an expiry, replacing the one armed: an expiry already past runs the action
	 * at once.
	 * @param at the expiry in Unix milliseconds, or {@code null} for credentials that do
	 * not expire
	 */
	void expireAt(@Nullable Long at) {
		Disposable previous;
		synchronized (this) {
			if (this.cancelled) {
				return;
			}
			previous = this.task;
			this.task = null;
			this.expiresAtMs = (at != null) ? at : NEVER;
		}
		if (previous != null) {
			previous.dispose();
		}
		if (at != null) {
			schedule(at);
		}
	}

	/**
	 * Disarm for good: the connection ended, and a task kept would hold it until it
	 * fires.
	 */
	void cancel() {
		Disposable previous;
		synchronized (this) {
			this.cancelled = true;
			this.expiresAtMs = NEVER;
			previous = this.task;
			this.task = null;
		}
		if (previous != null) {
			previous.dispose();
		}
	}

	private void schedule(long at) {
		Scheduler scheduler = this.timers.get();
		// Capped: a task far out is re-armed when it fires, and no delay overflows a
		// scheduler's clock.
		long delay = Math.min(Math.max(0, at - scheduler.now(TimeUnit.MILLISECONDS)), MAX_DELAY_MS);
		Disposable scheduled = scheduler.schedule(() -> fire(at), delay, TimeUnit.MILLISECONDS);
		boolean stale;
		synchronized (this) {
			stale = this.cancelled || this.expiresAtMs != at;
			if (!stale) {
				this.task = scheduled;
			}
		}
		if (stale) {
			scheduled.dispose();
		}
	}

	private void fire(long at) {
		if (this.expiresAtMs != at) {
			// Moved or cancelled meanwhile.
			return;
		}
		if (at > this.timers.get().now(TimeUnit.MILLISECONDS)) {
			// Not yet: a capped delay, or the wall clock was set back after the task was
			// armed.
			schedule(at);
			return;
		}
		this.onExpiry.run();
	}

}

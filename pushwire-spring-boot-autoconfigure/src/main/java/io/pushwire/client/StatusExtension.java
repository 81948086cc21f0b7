package io.pushwire.client;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Counts what a {@link PushClient} went through, for a health indicator or a status page.
 *
 * @since 0.2.0
 */
public final class StatusExtension implements PushClientExtension {

	private final AtomicLong frames = new AtomicLong();

	private final AtomicLong connects = new AtomicLong();

	private final AtomicLong disconnects = new AtomicLong();

	private final AtomicLong gaps = new AtomicLong();

	private final AtomicLong errors = new AtomicLong();

	private final AtomicReference<@Nullable PushClientEvent> lastEvent = new AtomicReference<>();

	@Override
	public void onEvent(PushClientEvent event) {
		this.lastEvent.set(event);
		if (event instanceof PushClientEvent.Connected) {
			this.connects.incrementAndGet();
		}
		else if (event instanceof PushClientEvent.Disconnected) {
			this.disconnects.incrementAndGet();
		}
		else if (event instanceof PushClientEvent.Gap || event instanceof PushClientEvent.ResumeRequired) {
			this.gaps.incrementAndGet();
		}
		else if (event instanceof PushClientEvent.Error) {
			this.errors.incrementAndGet();
		}
	}

	@Override
	public Mono<PushFrame<JsonNode>> onFrame(PushFrame<JsonNode> frame) {
		this.frames.incrementAndGet();
		return Mono.just(frame);
	}

	/**
	 * The counts so far.
	 * @return a snapshot
	 */
	public Status status() {
		return new Status(this.frames.get(), this.connects.get(), this.disconnects.get(), this.gaps.get(),
				this.errors.get(), this.lastEvent.get());
	}

	/**
	 * Counts of a client.
	 *
	 * @param frames frames that passed this extension
	 * @param connects connections established
	 * @param disconnects connections ended
	 * @param gaps gaps and lost resume points
	 * @param errors error events
	 * @param lastEvent the last event, or {@code null}
	 */
	public record Status(long frames, long connects, long disconnects, long gaps, long errors,
			@Nullable PushClientEvent lastEvent) {
	}

}

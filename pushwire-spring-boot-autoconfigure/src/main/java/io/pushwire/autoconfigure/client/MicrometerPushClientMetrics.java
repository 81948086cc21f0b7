package io.pushwire.autoconfigure.client;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.pushwire.client.PushClient;
import io.pushwire.client.PushClientEvent;
import io.pushwire.client.PushClientExtension;
import io.pushwire.client.PushClientStatus;

/**
 * The meters of a {@link PushClient}, as an extension that counts its events:
 * {@code pushwire.client.reconnects} (reconnects scheduled), {@code pushwire.client.gaps}
 * (cursor gaps seen), {@code pushwire.client.resume_required} (channels whose resume
 * point was lost), and {@code pushwire.client.state}, a gauge per state
 * ({@code disconnected}, {@code connecting}, {@code connected}) that is 1 for the current
 * one. The auto-configuration adds it to the clients built from Spring Boot's
 * {@code PushClient.Builder}; several clients share its counts.
 *
 * @since 0.1.0
 */
public final class MicrometerPushClientMetrics implements PushClientExtension {

	private final Counter reconnects;

	private final Counter gaps;

	private final Counter resumeRequired;

	private final AtomicReference<PushClientStatus> state = new AtomicReference<>(PushClientStatus.DISCONNECTED);

	/**
	 * Register the client's meters.
	 * @param registry the registry
	 */
	public MicrometerPushClientMetrics(MeterRegistry registry) {
		this.reconnects = Counter.builder("pushwire.client.reconnects")
			.description("Reconnects the client scheduled after losing its connection")
			.register(registry);
		this.gaps = Counter.builder("pushwire.client.gaps")
			.description("Gaps in the cursors the client received")
			.register(registry);
		this.resumeRequired = Counter.builder("pushwire.client.resume_required")
			.description("Channels whose resume point the server no longer had")
			.register(registry);
		for (PushClientStatus status : new PushClientStatus[] { PushClientStatus.DISCONNECTED,
				PushClientStatus.CONNECTING, PushClientStatus.CONNECTED }) {
			// The gauge holds the reference weakly: this extension keeps it.
			Gauge.builder("pushwire.client.state", this.state, (current) -> (current.get() == status) ? 1 : 0)
				.description("1 for the client's current state")
				.tag("state", status.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
	}

	@Override
	public void onEvent(PushClientEvent event) {
		if (event instanceof PushClientEvent.ReconnectScheduled) {
			this.reconnects.increment();
		}
		else if (event instanceof PushClientEvent.Gap) {
			this.gaps.increment();
		}
		else if (event instanceof PushClientEvent.ResumeRequired) {
			this.resumeRequired.increment();
		}
		else if (event instanceof PushClientEvent.Connecting) {
			this.state.set(PushClientStatus.CONNECTING);
		}
		else if (event instanceof PushClientEvent.Connected) {
			this.state.set(PushClientStatus.CONNECTED);
		}
		else if (event instanceof PushClientEvent.Disconnected || event instanceof PushClientEvent.GaveUp) {
			this.state.set(PushClientStatus.DISCONNECTED);
		}
	}

	/**
	 * The state the gauges show.
	 * @return the client's last known state
	 */
	public PushClientStatus state() {
		return this.state.get();
	}

}

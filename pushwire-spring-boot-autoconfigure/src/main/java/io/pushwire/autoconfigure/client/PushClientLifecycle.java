package io.pushwire.autoconfigure.client;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import io.pushwire.client.PushClient;

/**
 * Connects the auto-configured {@link PushClient} when the application starts (without
 * holding up the start: the client keeps trying in the background) and disconnects it
 * gracefully on stop.
 */
final class PushClientLifecycle implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PushClientLifecycle.class);

	private final PushClient client;

	private final Duration shutdownTimeout;

	private volatile boolean running;

	PushClientLifecycle(PushClient client, Duration shutdownTimeout) {
		this.client = client;
		this.shutdownTimeout = shutdownTimeout;
	}

	@Override
	public void start() {
		this.running = true;
		this.client.connect()
			.subscribe(null, (ex) -> logger.warn("The pushwire client did not connect: " + ex.getMessage()));
	}

	@Override
	public void stop(Runnable callback) {
		this.running = false;
		this.client.disconnect()
			.timeout(this.shutdownTimeout.multipliedBy(2))
			.doFinally((signal) -> callback.run())
			.subscribe(null, (ex) -> logger.debug("The pushwire client did not disconnect cleanly", ex));
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Start after the web server (a client of the same application's server) and stop
		// before it.
		return SmartLifecycle.DEFAULT_PHASE - 512;
	}

}

package io.pushwire.server.support;

import io.pushwire.server.connection.PushEngine;
import io.pushwire.core.CloseReason;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.DefaultPushSession;
import org.springframework.context.SmartLifecycle;

/**
 * Says {@code goodbye} {@code shutdown} (1001) to every connected client when the application stops,
 * before the web server does, so that clients reconnect with backoff and resume elsewhere.
 */
public final class PushServerLifecycle implements SmartLifecycle {

	private final PushEngine engine;

	private volatile boolean running;

	/**
	 * Create the lifecycle.
	 * @param engine the engine
	 */
	public PushServerLifecycle(PushEngine engine) {
		this.engine = engine;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		for (DefaultPushSession session : this.engine.sessions().connected()) {
			ClientConnection connection = session.connection();
			if (connection != null) {
				connection.close(CloseReason.SHUTDOWN);
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Stop before the web server's graceful shutdown and the web server itself.
		return SmartLifecycle.DEFAULT_PHASE;
	}

}

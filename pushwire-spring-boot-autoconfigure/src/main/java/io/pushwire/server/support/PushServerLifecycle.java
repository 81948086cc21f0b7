package io.pushwire.server.support;

import org.springframework.context.SmartLifecycle;

import io.pushwire.core.CloseReason;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.SessionRegistry;

/**
 * Says {@code goodbye} {@code shutdown} (1001) to every connected client when the
 * application stops, before the web server does, so that clients reconnect with backoff
 * and resume elsewhere.
 *
 * @since 0.1.0
 */
public final class PushServerLifecycle implements SmartLifecycle {

	private final SessionRegistry sessions;

	private volatile boolean running;

	/**
	 * Create the lifecycle.
	 * @param sessions the sessions, whose connections are closed
	 */
	public PushServerLifecycle(SessionRegistry sessions) {
		this.sessions = sessions;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		for (DefaultPushSession session : this.sessions.connected()) {
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

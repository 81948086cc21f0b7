package io.pushwire.server.connection;

import java.util.concurrent.Executor;

/**
 * An executor that runs tasks on one thread, and tells whether the caller is on that
 * thread: the event loop of a transport's channel, adapted by the transport. A
 * connection's queue drains on it, and drains at once, without a task, when it is offered
 * to from the loop itself. Transports give one instance per loop, since streams group
 * their listeners by executor.
 *
 * @since 0.1.0
 */
public interface LoopExecutor extends Executor {

	/**
	 * Whether the calling thread is the loop's.
	 * @return {@code true} on the loop
	 */
	boolean inLoop();

}

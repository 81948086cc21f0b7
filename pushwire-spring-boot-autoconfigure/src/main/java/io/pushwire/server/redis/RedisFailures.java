package io.pushwire.server.redis;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import reactor.core.publisher.Mono;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;

/**
 * Bounds a Redis command in time and turns its failures (a timeout, a lost connection, a
 * refused command) into {@code unavailable}, which clients see as {@code error
 * unavailable} and HTTP 503, rather than as an internal error.
 */
final class RedisFailures {

	private RedisFailures() {
	}

	/**
	 * Bound a command.
	 * @param <T> the command's result
	 * @param command the command
	 * @param timeout the longest it may take
	 * @param message what the client is told when it fails
	 * @return the bounded command
	 */
	static <T> Mono<T> bounded(Mono<T> command, Duration timeout, String message) {
		return command.timeout(timeout)
			.onErrorMap((ex) -> !(ex instanceof ProtocolException), (ex) -> new ProtocolException(ErrorCode.UNAVAILABLE,
					message + ((ex instanceof TimeoutException) ? " (timed out)" : "")));
	}

}

package io.pushwire.server.handler;

import reactor.core.publisher.Flux;

/**
 * Handles the frames that clients send on one channel kind. The replies it emits are
 * published: to their own channel, stored with a cursor unless transient, carrying the
 * sending client's id. An error signal becomes an {@code error} op for the sending client
 * (a {@link PushHandlerException} chooses the code and message); the connection stays
 * open.
 * <p>
 * Implementations must not block the calling thread: {@code @PushHandler} methods that
 * return a plain value are run on a bounded elastic scheduler for that reason.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ChannelHandler {

	/**
	 * Handle a frame.
	 * @param invocation the frame and who sent it
	 * @return the replies to publish, possibly none
	 */
	Flux<PushReply> handle(HandlerInvocation invocation);

}

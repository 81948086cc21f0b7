package io.pushwire.server.connection;

import java.security.Principal;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelRegistry.ResolvedChannel;
import io.pushwire.server.handler.ChannelHandler;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.handler.HandlerInvocation;
import io.pushwire.server.handler.PushReply;

/**
 * Takes the frames a client sends to the channel kind's handler (PROTOCOL.md §4 step 6)
 * and publishes what the handler replies. Errors become {@code error} ops for the sending
 * client.
 *
 * @since 0.1.0
 */
public final class FrameDispatcher {

	private static final Log logger = LogFactory.getLog(FrameDispatcher.class);

	private final ClientChannels channels;

	private final ChannelAuthorizer authorizer;

	private final ChannelHandlerRegistry handlers;

	private final ChannelPublisher publisher;

	/**
	 * Create a dispatcher.
	 * @param channels resolves the channels clients name
	 * @param authorizer authorizes publishing
	 * @param handlers the handlers of client frames
	 * @param publisher publishes the handlers' replies
	 */
	public FrameDispatcher(ClientChannels channels, ChannelAuthorizer authorizer, ChannelHandlerRegistry handlers,
			ChannelPublisher publisher) {
		this.channels = channels;
		this.authorizer = authorizer;
		this.handlers = handlers;
		this.publisher = publisher;
	}

	/**
	 * Hand a client's frame to its kind's handler and publish the replies.
	 * @param frame the frame
	 * @param principal the sender
	 * @param session the sender's session
	 * @return completes when the replies are published; fails with a
	 * {@link ProtocolException}
	 */
	public Mono<Void> dispatch(Frame frame, Principal principal, DefaultPushSession session) {
		return Mono.defer(() -> {
			ResolvedChannel resolved = this.channels.resolve(frame.channel());
			// The access check comes first (PROTOCOL.md §7): a client learns nothing
			// about the
			// handlers of channels it may not publish to.
			return this.authorizer.canPublish(principal, resolved.name(), resolved.kind())
				.defaultIfEmpty(false)
				.flatMap((allowed) -> {
					if (!allowed) {
						return Mono.error(new ProtocolException(ErrorCode.FORBIDDEN,
								"Not allowed to publish on " + frame.channel(), frame.channel()));
					}
					ChannelHandler handler = this.handlers.find(resolved.name().kind());
					if (handler == null) {
						return Mono.error(new ProtocolException(ErrorCode.NO_HANDLER,
								"Clients cannot send frames on '" + resolved.name().kind() + "': no handler takes them",
								frame.channel()));
					}
					HandlerInvocation invocation = new HandlerInvocation(
							new Frame(frame.channel(), null, frame.payload(), session.clientId()), resolved.name(),
							session.clientId(), principal, session);
					return Mono
						.defer(() -> handler.handle(invocation)
							.concatMap((reply) -> publish(reply, frame, session))
							.then())
						.onErrorResume((ex) -> Mono.error(toProtocolException(ex, frame)));
				});
		});
	}

	private Mono<Void> publish(PushReply reply, Frame frame, DefaultPushSession session) {
		String channel = (reply.channel() != null) ? reply.channel() : frame.channel();
		if (reply.transientFrame()) {
			return this.publisher.publishTransient(channel, reply.payload(), session.clientId()).then();
		}
		return this.publisher.publish(channel, reply.payload(), session.clientId()).then();
	}

	private static ProtocolException toProtocolException(Throwable ex, Frame frame) {
		if (ex instanceof ProtocolException protocolException) {
			if (protocolException.channel() != null) {
				return protocolException;
			}
			return new ProtocolException(protocolException.code(), protocolException.getMessage(), frame.channel());
		}
		logger.error("Push handler failed for a frame on " + frame.channel(), ex);
		return new ProtocolException(ErrorCode.INTERNAL, "The handler failed; the server logged the cause",
				frame.channel());
	}

}

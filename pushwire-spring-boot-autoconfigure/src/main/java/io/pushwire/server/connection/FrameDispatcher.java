package io.pushwire.server.connection;

import java.security.Principal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
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
import io.pushwire.server.observation.DefaultPushHandlerObservationConvention;
import io.pushwire.server.observation.PushHandlerObservationContext;
import io.pushwire.server.observation.PushHandlerObservationConvention;
import io.pushwire.server.observation.PushMetrics;
import io.pushwire.server.observation.PushwireObservationDocumentation;

/**
 * Takes the frames a client sends to the channel kind's handler (PROTOCOL.md §4 step 6)
 * and publishes what the handler replies. Errors become {@code error} ops for the sending
 * client.
 *
 * @since 0.1.0
 */
public final class FrameDispatcher {

	private static final Log logger = LogFactory.getLog(FrameDispatcher.class);

	private static final PushHandlerObservationConvention DEFAULT_CONVENTION = new DefaultPushHandlerObservationConvention();

	private final ClientChannels channels;

	private final ChannelAuthorizer authorizer;

	private final ChannelHandlerRegistry handlers;

	private final ChannelPublisher publisher;

	private volatile PushMetrics metrics = PushMetrics.NONE;

	private volatile ObservationRegistry observations = ObservationRegistry.NOOP;

	private volatile @Nullable PushHandlerObservationConvention convention;

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
	 * Count the frames clients send in these metrics from now on.
	 * @param metrics the metrics, {@link PushMetrics#NONE} unless replaced
	 */
	public void setMetrics(PushMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Observe handler invocations ({@code pushwire.handler}) in this registry.
	 * @param registry the registry, {@link ObservationRegistry#NOOP} unless replaced
	 * @param convention the application's convention, or {@code null} for the default
	 */
	public void setObservationRegistry(ObservationRegistry registry,
			@Nullable PushHandlerObservationConvention convention) {
		this.observations = registry;
		this.convention = convention;
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
		ClientConnection connection = session.connection();
		return dispatch(frame, principal, session, (connection != null) ? connection.transport() : "http");
	}

	/**
	 * Hand a client's frame to its kind's handler and publish the replies.
	 * @param frame the frame
	 * @param principal the sender
	 * @param session the sender's session
	 * @param transport the transport the frame came over (a meter tag)
	 * @return completes when the replies are published; fails with a
	 * {@link ProtocolException}
	 */
	public Mono<Void> dispatch(Frame frame, Principal principal, DefaultPushSession session, String transport) {
		return Mono.defer(() -> {
			ResolvedChannel resolved = this.channels.resolve(frame.channel());
			PushMetrics current = this.metrics;
			if (current != PushMetrics.NONE) {
				current.channel(resolved.kind().name(), transport).received();
			}
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
					Mono<Void> handled = Mono
						.defer(() -> handler.handle(invocation)
							.concatMap((reply) -> publish(reply, frame, session, transport))
							.then())
						.onErrorResume((ex) -> Mono.error(toProtocolException(ex, frame)));
					return observed(handled, resolved.name().kind(), frame.channel());
				});
		});
	}

	private Mono<Void> observed(Mono<Void> handled, String kind, String channel) {
		ObservationRegistry registry = this.observations;
		if (registry.isNoop()) {
			return handled;
		}
		return Mono.defer(() -> {
			PushHandlerObservationContext context = new PushHandlerObservationContext(kind, channel);
			Observation observation = PushwireObservationDocumentation.PUSH_HANDLER.observation(this.convention,
					DEFAULT_CONVENTION, () -> context, registry);
			observation.start();
			return handled.doOnError((ex) -> {
				ErrorCode code = (ex instanceof ProtocolException refusal) ? refusal.code() : ErrorCode.INTERNAL;
				context.setOutcome(code.wireName());
				if (code == ErrorCode.INTERNAL) {
					observation.error(ex);
				}
			})
				// Stopped before the outcome reaches the client (an error op follows the
				// error), so that the observation is complete when the client sees it.
				.doOnTerminate(observation::stop)
				.doOnCancel(observation::stop);
		});
	}

	private Mono<Void> publish(PushReply reply, Frame frame, DefaultPushSession session, String transport) {
		String channel = (reply.channel() != null) ? reply.channel() : frame.channel();
		if (reply.transientFrame()) {
			return this.publisher.publishTransient(channel, reply.payload(), session.clientId(), transport).then();
		}
		return this.publisher.publish(channel, reply.payload(), session.clientId(), transport).then();
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

package io.pushwire.server.observation;

import io.micrometer.observation.Observation;

/**
 * The context of a {@link PushwireObservationDocumentation#PUSH_HANDLER handler}
 * observation: the invocation of the {@code @PushHandler} (or {@code ChannelHandler}) of
 * a channel kind for a frame a client sent.
 *
 * @since 0.1.0
 */
public final class PushHandlerObservationContext extends Observation.Context {

	/** The outcome of an invocation that completed. */
	public static final String SUCCESS = "success";

	private final String kind;

	private final String channel;

	private volatile String outcome = SUCCESS;

	/**
	 * Create the context of an invocation.
	 * @param kind the channel kind
	 * @param channel the full channel name (a high-cardinality value)
	 */
	public PushHandlerObservationContext(String kind, String channel) {
		this.kind = kind;
		this.channel = channel;
	}

	/**
	 * The channel kind whose handler runs.
	 * @return the kind
	 */
	public String getKind() {
		return this.kind;
	}

	/**
	 * The channel the frame was sent on.
	 * @return the full channel name
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * How the invocation ended: {@link #SUCCESS} or the protocol error code the client
	 * was sent ({@code internal} for an unexpected failure).
	 * @return the outcome
	 */
	public String getOutcome() {
		return this.outcome;
	}

	/**
	 * Set how the invocation ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}

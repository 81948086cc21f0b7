package io.pushwire.server.observation;

import io.micrometer.observation.Observation;

/**
 * The context of a {@link PushwireObservationDocumentation#HANDSHAKE handshake}
 * observation: the transport and, once the handshake ended, its outcome.
 *
 * @since 0.1.0
 */
public final class HandshakeObservationContext extends Observation.Context {

	/** The outcome of a handshake that queued {@code auth_ok}. */
	public static final String SUCCESS = "success";

	/** The outcome of a handshake whose transport ended before it completed. */
	public static final String CANCELLED = "cancelled";

	private final String transport;

	private volatile String outcome = CANCELLED;

	/**
	 * Create the context of a handshake.
	 * @param transport the transport name ({@code websocket}, {@code sse})
	 */
	public HandshakeObservationContext(String transport) {
		this.transport = transport;
	}

	/**
	 * The transport name.
	 * @return {@code websocket} or {@code sse}
	 */
	public String getTransport() {
		return this.transport;
	}

	/**
	 * How the handshake ended: {@link #SUCCESS}, a protocol error code
	 * ({@code unauthorized}, {@code forbidden}, {@code rate_limited},
	 * {@code unavailable}, {@code internal}), {@code invalid_client_id}, or
	 * {@link #CANCELLED} while it has not ended.
	 * @return the outcome
	 */
	public String getOutcome() {
		return this.outcome;
	}

	/**
	 * Set how the handshake ended.
	 * @param outcome the outcome
	 */
	public void setOutcome(String outcome) {
		this.outcome = outcome;
	}

}

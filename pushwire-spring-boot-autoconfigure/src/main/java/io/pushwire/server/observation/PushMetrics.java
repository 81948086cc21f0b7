package io.pushwire.server.observation;

import io.pushwire.core.CloseReason;

/**
 * Where the server records what it does, for meters. Every method does nothing by default
 * ({@link #NONE}); the auto-configuration binds one to Micrometer when the application
 * has a {@code MeterRegistry}. Tags are low-cardinality only: a transport name
 * ({@code websocket}, {@code sse}, {@code http}, or {@code server} for what the
 * application publishes itself), a channel <em>kind</em>, a close or failure reason, a
 * limit. Hot paths record once per batch and through a {@link ChannelMeters} resolved
 * once per subscription, so an implementation must be cheap and thread-safe, and must not
 * block.
 *
 * @since 0.1.0
 */
public interface PushMetrics {

	/** Records nothing. */
	PushMetrics NONE = new PushMetrics() {
	};

	/**
	 * The meters of one channel kind over one transport; resolve once and keep it (a
	 * subscription does), since an implementation may look it up in a map.
	 * @param kind the channel kind
	 * @param transport the transport name
	 * @return the meters
	 */
	default ChannelMeters channel(String kind, String transport) {
		return ChannelMeters.NONE;
	}

	/**
	 * A connection opened (before its handshake).
	 * @param transport the transport name
	 */
	default void connectionOpened(String transport) {
	}

	/**
	 * A connection ended; called once per {@link #connectionOpened}.
	 * @param transport the transport name
	 * @param reason why it closed
	 * @param lifetimeNanos how long it was open
	 */
	default void connectionClosed(String transport, CloseReason reason, long lifetimeNanos) {
	}

	/**
	 * A connection's outbound queue passed half full and the client was sent
	 * {@code slow}.
	 * @param transport the transport name
	 */
	default void slow(String transport) {
	}

	/**
	 * A connection was shed as a slow consumer (4008).
	 * @param transport the transport name
	 */
	default void shed(String transport) {
	}

	/**
	 * A subscription could not resume from the cursor asked for and was sent
	 * {@code resume_required}.
	 */
	default void resumeRequired() {
	}

	/**
	 * The bytes waiting in a connection's outbound queue when a drain starts, at one
	 * drain in 64 per connection (a histogram costs about as much as a delivery).
	 * @param bytes the bytes queued
	 */
	default void queueBytes(long bytes) {
	}

	/**
	 * A handshake failed to authenticate or was refused.
	 * @param reason the protocol error code ({@code unauthorized}, {@code forbidden}) or
	 * {@code invalid_client_id}
	 */
	default void authFailure(String reason) {
	}

	/**
	 * A request went past a limit and was refused.
	 * @param limit which limit: {@code inbound_rate}, {@code connection_rate},
	 * {@code principal_connections}, {@code principal_sessions}
	 */
	default void rateLimited(String limit) {
	}

	/**
	 * The counters of one channel kind over one transport.
	 */
	interface ChannelMeters {

		/** Counts nothing. */
		ChannelMeters NONE = new ChannelMeters() {
		};

		/**
		 * Messages were published (stored, or sent transiently).
		 * @param count how many
		 */
		default void published(int count) {
		}

		/**
		 * Live messages were queued for a client.
		 * @param count how many
		 */
		default void delivered(int count) {
		}

		/**
		 * A client sent a frame.
		 */
		default void received() {
		}

		/**
		 * Frames were replayed to a client resuming.
		 * @param count how many
		 */
		default void replayed(int count) {
		}

	}

}

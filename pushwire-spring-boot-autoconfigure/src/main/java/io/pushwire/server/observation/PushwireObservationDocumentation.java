package io.pushwire.server.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations the pushwire server makes.
 *
 * @since 0.1.0
 */
public enum PushwireObservationDocumentation implements ObservationDocumentation {

	/**
	 * A client's handshake, from its {@code auth} to {@code auth_ok} or the refusal.
	 */
	HANDSHAKE {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultHandshakeObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return HandshakeKeys.values();
		}

	},

	/**
	 * The invocation of a channel kind's handler for a frame a client sent, with the
	 * publication of its replies.
	 */
	PUSH_HANDLER {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultPushHandlerObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { PushHandlerKeys.KIND, PushHandlerKeys.OUTCOME };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { PushHandlerKeys.CHANNEL };
		}

	};

	/**
	 * The keys of {@link #HANDSHAKE}.
	 */
	public enum HandshakeKeys implements KeyName {

		/** The transport: {@code websocket} or {@code sse}. */
		TRANSPORT {
			@Override
			public String asString() {
				return "transport";
			}
		},

		/** {@code success}, a protocol error code, or {@code cancelled}. */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		}

	}

	/**
	 * The keys of {@link #PUSH_HANDLER}.
	 */
	public enum PushHandlerKeys implements KeyName {

		/** The channel kind. */
		KIND {
			@Override
			public String asString() {
				return "kind";
			}
		},

		/** {@code success} or the protocol error code the client was sent. */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/** The full channel name (high cardinality: traces only). */
		CHANNEL {
			@Override
			public String asString() {
				return "channel";
			}
		}

	}

}

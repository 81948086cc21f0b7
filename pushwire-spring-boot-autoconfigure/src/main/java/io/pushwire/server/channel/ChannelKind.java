package io.pushwire.server.channel;

import java.time.Duration;
import java.util.Objects;

import io.pushwire.core.ChannelName;
import io.pushwire.security.AccessRule;

/**
 * A declared channel kind (PROTOCOL.md §1): its priority lane, its wire id for binary
 * frames, its replay window, and who may subscribe and publish. Declare kinds under
 * {@code pushwire.server.channels.<kind>} or as beans built with
 * {@link #builder(String)}.
 *
 * @param name the kind, {@code [a-z][a-z0-9_-]{0,31}}
 * @param priority the delivery lane
 * @param wireId the id of the kind in binary frame headers (0-255; -1 until the registry
 * assigns one)
 * @param historySize the most frames a channel of this kind keeps for replay
 * @param historyTtl the oldest a frame kept for replay may be
 * @param subscribe who may subscribe to channels of this kind
 * @param publish who may send frames on channels of this kind (a handler must also exist)
 * @param presence whether clients may ask who is subscribed to a channel of this kind
 * (PROTOCOL.md §12)
 * @param joinLeave whether subscribers of a channel of this kind are told of others'
 * {@code join} and {@code leave}
 * @param delta whether clients may ask for frames as deltas against the previous payload
 * (PROTOCOL.md §8.3)
 * @since 0.1.0
 */
public record ChannelKind(String name, Priority priority, int wireId, int historySize, Duration historyTtl,
		AccessRule subscribe, AccessRule publish, boolean presence, boolean joinLeave, DeltaMode delta) {

	/** The default number of frames kept for replay per channel. */
	public static final int DEFAULT_HISTORY_SIZE = 1024;

	/** The default age limit of frames kept for replay. */
	public static final Duration DEFAULT_HISTORY_TTL = Duration.ofMinutes(10);

	/** The wire id of the reserved {@code system} kind. */
	public static final int SYSTEM_WIRE_ID = 5;

	/**
	 * Validate a kind.
	 */
	public ChannelKind {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(priority, "priority");
		Objects.requireNonNull(historyTtl, "historyTtl");
		Objects.requireNonNull(subscribe, "subscribe");
		Objects.requireNonNull(publish, "publish");
		Objects.requireNonNull(delta, "delta");
		if (!ChannelName.isValidKind(name)) {
			throw new IllegalArgumentException("Invalid channel kind '" + name
					+ "': a kind is 1 to 32 characters of [a-z0-9_-] starting with a lowercase letter");
		}
		if (wireId < -1 || wireId > 255) {
			throw new IllegalArgumentException(
					"Wire id of channel kind '" + name + "' must be 0 to 255 (or -1 to assign one), not " + wireId);
		}
		if (historySize < 0) {
			throw new IllegalArgumentException(
					"History size of channel kind '" + name + "' must not be negative, not " + historySize);
		}
		if (historyTtl.isNegative()) {
			throw new IllegalArgumentException("History TTL of channel kind '" + name + "' must not be negative");
		}
	}

	/**
	 * Create a kind without delta updates.
	 * @param name the kind
	 * @param priority the delivery lane
	 * @param wireId the wire id, or -1
	 * @param historySize the most frames kept for replay
	 * @param historyTtl the oldest a frame kept may be
	 * @param subscribe who may subscribe
	 * @param publish who may publish
	 * @param presence whether clients may ask who is subscribed
	 * @param joinLeave whether joins and leaves are announced
	 */
	public ChannelKind(String name, Priority priority, int wireId, int historySize, Duration historyTtl,
			AccessRule subscribe, AccessRule publish, boolean presence, boolean joinLeave) {
		this(name, priority, wireId, historySize, historyTtl, subscribe, publish, presence, joinLeave, DeltaMode.NONE);
	}

	/**
	 * A copy of this kind with another wire id.
	 * @param wireId the wire id
	 * @return the copy
	 */
	public ChannelKind withWireId(int wireId) {
		return new ChannelKind(this.name, this.priority, wireId, this.historySize, this.historyTtl, this.subscribe,
				this.publish, this.presence, this.joinLeave, this.delta);
	}

	/**
	 * Create a kind without presence.
	 * @param name the kind
	 * @param priority the delivery lane
	 * @param wireId the wire id, or -1
	 * @param historySize the most frames kept for replay
	 * @param historyTtl the oldest a frame kept may be
	 * @param subscribe who may subscribe
	 * @param publish who may publish
	 */
	public ChannelKind(String name, Priority priority, int wireId, int historySize, Duration historyTtl,
			AccessRule subscribe, AccessRule publish) {
		this(name, priority, wireId, historySize, historyTtl, subscribe, publish, false, false);
	}

	/**
	 * Start building a kind with the defaults: normal priority, a wire id assigned by the
	 * registry, 1024 frames for 10 minutes, any authenticated principal may subscribe,
	 * and clients may publish when a handler exists.
	 * @param name the kind
	 * @return a builder
	 */
	public static Builder builder(String name) {
		return new Builder(name);
	}

	/**
	 * Builds a {@link ChannelKind}.
	 */
	public static final class Builder {

		private final String name;

		private Priority priority = Priority.NORMAL;

		private int wireId = -1;

		private int historySize = DEFAULT_HISTORY_SIZE;

		private Duration historyTtl = DEFAULT_HISTORY_TTL;

		private AccessRule subscribe = AccessRule.AUTHENTICATED;

		private AccessRule publish = AccessRule.AUTHENTICATED;

		private boolean presence;

		private boolean joinLeave;

		private DeltaMode delta = DeltaMode.NONE;

		private Builder(String name) {
			this.name = name;
		}

		/**
		 * Set the priority.
		 * @param priority the priority
		 * @return this builder
		 */
		public Builder priority(Priority priority) {
			this.priority = priority;
			return this;
		}

		/**
		 * Set the wire id (by default the registry assigns the lowest free one).
		 * @param wireId 0 to 255
		 * @return this builder
		 */
		public Builder wireId(int wireId) {
			this.wireId = wireId;
			return this;
		}

		/**
		 * Set how many frames each channel keeps for replay.
		 * @param historySize the count
		 * @return this builder
		 */
		public Builder historySize(int historySize) {
			this.historySize = historySize;
			return this;
		}

		/**
		 * Set how long frames are kept for replay.
		 * @param historyTtl the age limit
		 * @return this builder
		 */
		public Builder historyTtl(Duration historyTtl) {
			this.historyTtl = historyTtl;
			return this;
		}

		/**
		 * Set who may subscribe.
		 * @param rule the rule
		 * @return this builder
		 */
		public Builder subscribe(AccessRule rule) {
			this.subscribe = rule;
			return this;
		}

		/**
		 * Set who may publish.
		 * @param rule the rule
		 * @return this builder
		 */
		public Builder publish(AccessRule rule) {
			this.publish = rule;
			return this;
		}

		/**
		 * Let clients ask who is subscribed to a channel of this kind ({@code presence},
		 * PROTOCOL.md §12).
		 * @param presence whether presence is on
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder presence(boolean presence) {
			this.presence = presence;
			return this;
		}

		/**
		 * Tell every subscriber of a channel of this kind when another client subscribes
		 * ({@code join}) or leaves ({@code leave}).
		 * @param joinLeave whether joins and leaves are announced
		 * @return this builder
		 * @since 0.2.0
		 */
		public Builder joinLeave(boolean joinLeave) {
			this.joinLeave = joinLeave;
			return this;
		}

		/**
		 * Offer delta updates to the clients that ask for them (PROTOCOL.md §8.3).
		 * @param delta the delta mode
		 * @return this builder
		 */
		public Builder delta(DeltaMode delta) {
			this.delta = delta;
			return this;
		}

		/**
		 * Build the kind; a wire id left unset is {@code -1} until the registry assigns
		 * one.
		 * @return the kind
		 */
		public ChannelKind build() {
			return new ChannelKind(this.name, this.priority, this.wireId, this.historySize, this.historyTtl,
					this.subscribe, this.publish, this.presence, this.joinLeave, this.delta);
		}

	}

}

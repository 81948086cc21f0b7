package io.pushwire.core;

import org.jspecify.annotations.Nullable;

/**
 * Why a connection is closed: the WebSocket close code and the {@code goodbye} reason
 * (PROTOCOL.md §3.3), with what a client should do next.
 *
 * @since 0.1.0
 */
public enum CloseReason {

	/** Closed on purpose; do not reconnect. */
	NORMAL(1000, "normal", false),

	/** The server is going away; reconnect with backoff and resume. */
	SHUTDOWN(1001, "shutdown", true),

	/** The peer broke the protocol's rules; do not reconnect. */
	POLICY(1008, "policy", false),

	/** A message was too large; do not resend it, reconnect and resume. */
	TOO_LARGE(1009, "too_large", true),

	/** Authentication failed; do not reconnect with the same credentials. */
	UNAUTHORIZED(4001, "unauthorized", false),

	/** The principal may not use this client id; do not reconnect. */
	FORBIDDEN(4003, "forbidden", false),

	/** The client read too slowly; reconnect and resume. */
	SLOW_CONSUMER(4008, "slow_consumer", true),

	/** A newer connection took this client id; do not reconnect. */
	REPLACED(4009, "replaced", false),

	/** Nothing was heard for too long; reconnect and resume. */
	HEARTBEAT_TIMEOUT(4010, "heartbeat_timeout", true),

	/**
	 * The credentials expired without a {@code refresh}; get fresh ones, reconnect and
	 * resume.
	 */
	TOKEN_EXPIRED(4011, "token_expired", true);

	private final int code;

	private final String reason;

	private final boolean reconnect;

	CloseReason(int code, String reason, boolean reconnect) {
		this.code = code;
		this.reason = reason;
		this.reconnect = reconnect;
	}

	/**
	 * The WebSocket close code.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * The {@code goodbye} reason on the wire.
	 * @return the snake_case reason
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * Whether a client should reconnect after this close.
	 * @return {@code true} when reconnecting (and resuming) is expected
	 */
	public boolean shouldReconnect() {
		return this.reconnect;
	}

	/**
	 * Look up a reason by its close code.
	 * @param code the WebSocket close code
	 * @return the reason, or {@code null} for a code the protocol does not define
	 */
	public static @Nullable CloseReason fromCode(int code) {
		for (CloseReason reason : values()) {
			if (reason.code == code) {
				return reason;
			}
		}
		return null;
	}

	/**
	 * Look up a reason by its wire name.
	 * @param reason the {@code goodbye} reason
	 * @return the close reason, or {@code null} when unknown
	 */
	public static @Nullable CloseReason fromReason(@Nullable String reason) {
		for (CloseReason value : values()) {
			if (value.reason.equals(reason)) {
				return value;
			}
		}
		return null;
	}

}

package io.pushwire.core;

import org.jspecify.annotations.Nullable;

/**
 * The error codes of an {@code error} op (PROTOCOL.md §3.2) with their HTTP status.
 *
 * @since 0.1.0
 */
public enum ErrorCode {

	/** The message broke the protocol; the connection stays open. */
	BAD_MESSAGE("bad_message", 400),

	/** The channel's kind is not declared by the server. */
	UNKNOWN_CHANNEL("unknown_channel", 400),

	/** The principal may not use the channel or client id. */
	FORBIDDEN("forbidden", 403),

	/** The credentials are missing or wrong. */
	UNAUTHORIZED("unauthorized", 401),

	/** The message is larger than the server accepts. */
	TOO_LARGE("too_large", 413),

	/** The sender is over its rate limit. */
	RATE_LIMITED("rate_limited", 429),

	/** Clients may not send frames on this kind, or no handler takes them. */
	NO_HANDLER("no_handler", 400),

	/** No session exists for the client id. */
	NOT_CONNECTED("not_connected", 404),

	/**
	 * The server cannot serve the request now (it is shutting down, or a shared store
	 * cannot be reached); retry with backoff, on another node if there is one.
	 */
	UNAVAILABLE("unavailable", 503),

	/** The server failed; the message says no more than is safe. */
	INTERNAL("internal", 500),

	/**
	 * Over HTTP only: the requested thing (an asset) is not known (PROTOCOL.md §9).
	 * @since 0.1.0
	 */
	NOT_FOUND("not_found", 404),

	/**
	 * Over HTTP only: an asset's MIME type is not allowed (PROTOCOL.md §9).
	 * @since 0.1.0
	 */
	UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415);

	private final String wireName;

	private final int httpStatus;

	ErrorCode(String wireName, int httpStatus) {
		this.wireName = wireName;
		this.httpStatus = httpStatus;
	}

	/**
	 * The code as it appears on the wire.
	 * @return the snake_case name
	 */
	public String wireName() {
		return this.wireName;
	}

	/**
	 * The HTTP status that carries this code over HTTP (PROTOCOL.md §3.2).
	 * @return the status code
	 */
	public int httpStatus() {
		return this.httpStatus;
	}

	/**
	 * Look up a code by its wire name.
	 * @param wireName the name
	 * @return the code, or {@code null} for a code this version does not know
	 */
	public static @Nullable ErrorCode fromWireName(@Nullable String wireName) {
		for (ErrorCode code : values()) {
			if (code.wireName.equals(wireName)) {
				return code;
			}
		}
		return null;
	}

}

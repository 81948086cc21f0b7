package io.pushwire.client;

import io.pushwire.core.CloseReason;

/**
 * Why a connection of a {@link PushClient} ended or could not be established: the close
 * code (PROTOCOL.md §3.3), or {@link #UPGRADE_REFUSED} when the server answered the
 * WebSocket upgrade or SSE request with an HTTP error.
 *
 * @since 0.2.0
 */
public class PushConnectionException extends RuntimeException {

	/**
	 * The code for an HTTP refusal of the upgrade or stream (status in
	 * {@link #httpStatus()}).
	 */
	public static final int UPGRADE_REFUSED = -1;

	/** The code for a connection lost without a close frame. */
	public static final int ABNORMAL = 1006;

	private final int code;

	private final String reason;

	private final int httpStatus;

	/**
	 * Create an exception.
	 * @param code the close code
	 * @param reason the close reason, possibly empty
	 * @param httpStatus the HTTP status of a refused request, or 0
	 * @param message the message
	 * @param cause the cause, possibly {@code null}
	 */
	public PushConnectionException(int code, String reason, int httpStatus, String message,
			@org.jspecify.annotations.Nullable Throwable cause) {
		super(message, cause);
		this.code = code;
		this.reason = reason;
		this.httpStatus = httpStatus;
	}

	static PushConnectionException closed(int code, String reason) {
		return new PushConnectionException(code, reason, 0,
				"Connection closed with " + code + ((reason.isEmpty()) ? "" : " (" + reason + ")"), null);
	}

	static PushConnectionException lost(Throwable cause) {
		return new PushConnectionException(ABNORMAL, "", 0, "Connection lost: " + cause, cause);
	}

	static PushConnectionException refused(int status, String transport) {
		return new PushConnectionException(UPGRADE_REFUSED, "", status,
				"The server refused the " + transport + " request with HTTP " + status
						+ ((status == 401 || status == 403) ? "; check pushwire.client.token or the credentials" : ""),
				null);
	}

	/**
	 * The close code.
	 * @return the code, {@link #ABNORMAL} without close frame, {@link #UPGRADE_REFUSED}
	 * for an HTTP refusal
	 */
	public int code() {
		return this.code;
	}

	/**
	 * The close or {@code goodbye} reason.
	 * @return the reason, possibly empty
	 */
	public String reason() {
		return this.reason;
	}

	/**
	 * The HTTP status of a refused upgrade or stream.
	 * @return the status, or 0
	 */
	public int httpStatus() {
		return this.httpStatus;
	}

	/**
	 * Whether the protocol says to reconnect after this (PROTOCOL.md §3.3): 1001, 1006,
	 * 1009, 4008, 4010, 4011 and a connection that could not be opened do; 1000, 1008,
	 * 4001, 4003, 4009 and a refused upgrade do not. A refusal with 5xx (a node starting
	 * or overloaded) retries.
	 * @return {@code true} to reconnect
	 */
	public boolean shouldReconnect() {
		if (this.code == UPGRADE_REFUSED) {
			return this.httpStatus >= 500 || this.httpStatus == 429;
		}
		CloseReason known = CloseReason.fromCode(this.code);
		return (known != null) ? known.shouldReconnect() : this.code != 1000;
	}

}

package io.pushwire.client;

/**
 * The connection status of a {@link PushClient}.
 *
 * @since 0.2.0
 */
public enum PushClientStatus {

	/** Not connected and not trying (never started, disconnected, or gave up). */
	DISCONNECTED,

	/** Opening a connection (first attempt). */
	CONNECTING,

	/** Connected: {@code auth_ok} received. */
	CONNECTED,

	/** Reconnecting after a lost connection, to resume from the tracked cursors. */
	RESUMING,

	/** {@code disconnect()} is closing the connection gracefully. */
	SHUTTING_DOWN

}

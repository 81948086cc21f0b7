/**
 * Client connections independent of their transport: the handshake, sessions that outlive
 * their connection (the {@link io.pushwire.server.connection.SessionRegistry} SPI, in
 * memory by default), channel subscriptions with replay-then-live delivery, the bounded
 * priority outbound queue, op dispatch, inbound limiting, heartbeats and presence. Apart
 * from the sessions SPI, the public types here are internal: beans of the
 * auto-configuration and what the transports use; they may change in any release.
 */
@NullMarked
package io.pushwire.server.connection;

import org.jspecify.annotations.NullMarked;

/**
 * Peers of WebRTC rooms (PROTOCOL.md §10): signaling on the {@code rtc} channel kind,
 * discovery and TURN credentials, one route per pair of peers with its failover and
 * backoff, and the relay of peer data under a per-sender bandwidth limit. API:
 * {@link io.pushwire.server.rtc.PeerPolicy}; the other public types are beans of the
 * auto-configuration. Internal API: they may change in any release.
 */
@NullMarked
package io.pushwire.server.rtc;

import org.jspecify.annotations.NullMarked;

/**
 * Auto-configuration of WebRTC rooms: signaling, peer routes and the relay
 * ({@code pushwire.server.rtc.*}).
 */
@NullMarked
package io.pushwire.autoconfigure.rtc;

import org.jspecify.annotations.NullMarked;

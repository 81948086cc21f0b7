/**
 * Auto-configuration of the pushwire server's observations (handshakes and
 * {@code @PushHandler} invocations) when the application has an
 * {@code ObservationRegistry}.
 */
@NullMarked
package io.pushwire.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;

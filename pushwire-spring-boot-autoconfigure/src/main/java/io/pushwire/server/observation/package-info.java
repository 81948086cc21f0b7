/**
 * Instrumentation of the pushwire server: the
 * {@link io.pushwire.server.observation.PushMetrics} the connection layer records into
 * (nothing by default, Micrometer meters when the application has a
 * {@code MeterRegistry}), and the Micrometer observations of handshakes and
 * {@code @PushHandler} invocations with their replaceable conventions.
 */
@NullMarked
package io.pushwire.server.observation;

import org.jspecify.annotations.NullMarked;

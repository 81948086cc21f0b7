/**
 * Auto-configuration of the pushwire server's meters: a Micrometer
 * {@link io.pushwire.server.observation.PushMetrics} when the application has a
 * {@code MeterRegistry}, bound to the server's connections, publisher and dispatcher.
 */
@NullMarked
package io.pushwire.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;

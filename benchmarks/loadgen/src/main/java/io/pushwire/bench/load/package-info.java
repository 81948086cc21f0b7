/**
 * The load generator: opens subscriber connections to pushwire, the STOMP simple broker
 * or the raw Reactor Netty server, triggers publishing, and measures deliveries, latency,
 * loss, server CPU and memory; {@link io.pushwire.bench.load.Summary} turns the rounds
 * into medians and ratios.
 */
package io.pushwire.bench.load;

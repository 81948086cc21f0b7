/**
 * Client throughput (issue #11): how many frames per second one
 * {@link io.pushwire.client.PushClient} consumes from the benchmark server and the CPU
 * time it spends per frame.
 */
package io.pushwire.bench.client;

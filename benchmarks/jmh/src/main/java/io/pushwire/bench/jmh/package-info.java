/**
 * JMH micro-benchmarks of the server's hot paths: frame encoding, channel stream append
 * and replay, the outbound queue. Run with {@code benchmarks/jmh.sh}.
 */
package io.pushwire.bench.jmh;

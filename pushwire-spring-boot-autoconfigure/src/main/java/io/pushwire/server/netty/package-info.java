/**
 * The binding of connections to the Netty channels that carry them: each connection runs
 * on its channel's event loop through a {@code LoopExecutor}, so that the
 * {@code connection} package never sees a Netty type. Internal: public for the
 * transports, may change in any release.
 */
@NullMarked
package io.pushwire.server.netty;

import org.jspecify.annotations.NullMarked;

/**
 * Channel streams: per channel, frames stored with gapless cursors in an epoch, a bounded
 * replay window, and replay-then-live delivery to listeners. Storage and fan-out are
 * apart: a {@link io.pushwire.server.stream.ChannelStore} numbers and keeps frames (the
 * part a store shared by several nodes implements), a
 * {@link io.pushwire.server.stream.ChannelHub} delivers them to this node's listeners,
 * and the connections use both through a
 * {@link io.pushwire.server.stream.ChannelStreamStore}: the in-memory store by default,
 * which is all three at once, or {@link io.pushwire.server.stream.HubChannelStreamStore}
 * over another store.
 */
@NullMarked
package io.pushwire.server.stream;

import org.jspecify.annotations.NullMarked;

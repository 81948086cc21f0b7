/**
 * Channel streams: per channel, frames stored with gapless cursors in an epoch, a bounded replay
 * window, and atomic replay-then-live attachment of listeners. In memory by default; other stores
 * implement {@link io.pushwire.server.stream.ChannelStreamStore}.
 */
@NullMarked
package io.pushwire.server.stream;

import org.jspecify.annotations.NullMarked;

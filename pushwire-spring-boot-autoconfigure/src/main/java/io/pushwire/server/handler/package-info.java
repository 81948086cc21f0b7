/**
 * Handlers for frames that clients send: the
 * {@link io.pushwire.server.handler.ChannelHandler} SPI and the discovery and invocation
 * of {@link io.pushwire.server.handler.PushHandler @PushHandler} methods.
 */
@NullMarked
package io.pushwire.server.handler;

import org.jspecify.annotations.NullMarked;

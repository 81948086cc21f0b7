/**
 * Channels: the kinds an application declares
 * ({@link io.pushwire.server.channel.ChannelKind}) with their priority lanes and access
 * rules, the registry that resolves a channel name to its kind, and the
 * {@link io.pushwire.server.channel.ChannelAuthorizer} SPI that decides who may subscribe
 * and publish.
 */
@NullMarked
package io.pushwire.server.channel;

import org.jspecify.annotations.NullMarked;

/**
 * Authentication of push clients ({@link io.pushwire.security.AuthValidator}) and authorization of
 * channels ({@link io.pushwire.server.channel.ChannelAuthorizer}), with adapters to Spring Security.
 */
@NullMarked
package io.pushwire.security;

import org.jspecify.annotations.NullMarked;

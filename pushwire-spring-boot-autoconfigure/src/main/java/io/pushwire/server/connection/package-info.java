/**
 * Client connections independent of their transport: the bounded priority outbound queue, channel
 * subscriptions with replay-then-live delivery, and sessions that outlive their connection.
 */
@NullMarked
package io.pushwire.server.connection;

import org.jspecify.annotations.NullMarked;

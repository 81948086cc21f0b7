/**
 * The HTTP endpoints beside the streams: {@code POST /rps/ack} and {@code POST /rps/send}, with the
 * protocol's error codes mapped to HTTP statuses and {@code {"code","message"}} bodies.
 */
@NullMarked
package io.pushwire.server.http;

import org.jspecify.annotations.NullMarked;

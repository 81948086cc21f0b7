/**
 * The HTTP endpoints beside the streams: {@code POST /rps/ack} and
 * {@code POST /rps/send}, with the protocol's error codes mapped to HTTP statuses and
 * {@code {"code","message"}} bodies, and the browser client's script. Internal: the
 * WebFlux auto-configuration creates and routes them; their types are public for it and
 * may change in any release.
 */
@NullMarked
package io.pushwire.server.http;

import org.jspecify.annotations.NullMarked;

/**
 * The application's API to the push server: {@link io.pushwire.server.PushServer} to
 * publish and to find sessions, {@link io.pushwire.server.PushSession} for one client's
 * session, and the values they return. Channel kinds are declared in
 * {@code io.pushwire.server.channel}.
 */
@NullMarked
package io.pushwire.server;

import org.jspecify.annotations.NullMarked;

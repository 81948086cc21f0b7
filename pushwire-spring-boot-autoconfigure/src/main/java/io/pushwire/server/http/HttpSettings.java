package io.pushwire.server.http;

import java.time.Duration;

/**
 * Settings of the SSE and HTTP endpoints.
 *
 * @param sseRetry the {@code retry:} an SSE stream starts with: how long browsers wait
 * before reconnecting
 * @param allowQueryToken whether a {@code token} query parameter authenticates (needed by
 * browsers' {@code EventSource}, which cannot set headers; the token then appears in
 * URLs, so keep it short-lived)
 * @since 0.1.0
 */
public record HttpSettings(Duration sseRetry, boolean allowQueryToken) {

}

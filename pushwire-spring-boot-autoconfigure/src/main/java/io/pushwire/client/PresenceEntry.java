package io.pushwire.client;

/**
 * One client subscribed to a channel, as the server's {@code presence_list} names it
 * (PROTOCOL.md §12).
 *
 * @param clientId the client's id
 * @param user its principal's name
 * @since 0.2.0
 */
public record PresenceEntry(String clientId, String user) {

}

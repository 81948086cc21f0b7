package io.pushwire.server;

/**
 * A client subscribed to a channel whose kind has presence (PROTOCOL.md §12).
 *
 * @param clientId the client's id
 * @param user the name of its principal
 * @since 0.2.0
 */
public record PresenceMember(String clientId, String user) {

}

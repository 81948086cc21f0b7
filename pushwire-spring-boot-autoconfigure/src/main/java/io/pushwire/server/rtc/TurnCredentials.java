package io.pushwire.server.rtc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Time-limited TURN credentials in the TURN REST style (PROTOCOL.md §10.3), which a TURN
 * server sharing the secret (coturn's {@code use-auth-secret}) checks without asking this
 * server: username {@code <expiry>:<user>}, credential base64(HMAC-SHA1(secret,
 * username)).
 *
 * @param username {@code <expiry in Unix seconds>:<user>}
 * @param credential the base64 HMAC
 * @param ttlSeconds the lifetime
 * @param server the TURN URL, or {@code null}
 */
record TurnCredentials(String username, String credential, long ttlSeconds, @Nullable String server) {

	/**
	 * Issue credentials.
	 * @param secret the shared secret
	 * @param user the principal's name
	 * @param nowSeconds the time now, Unix seconds
	 * @param ttlSeconds their lifetime
	 * @param server the TURN URL or {@code null}
	 * @return the credentials
	 */
	static TurnCredentials issue(String secret, String user, long nowSeconds, long ttlSeconds,
			@Nullable String server) {
		String username = (nowSeconds + ttlSeconds) + ":" + user;
		return new TurnCredentials(username, hmacSha1(secret, username), ttlSeconds, server);
	}

	private static String hmacSha1(String secret, String message) {
		try {
			Mac mac = Mac.getInstance("HmacSHA1");
			mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
			return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
		}
		catch (GeneralSecurityException ex) {
			// HmacSHA1 is required of every Java platform.
			throw new IllegalStateException("HmacSHA1 is not available", ex);
		}
	}

}

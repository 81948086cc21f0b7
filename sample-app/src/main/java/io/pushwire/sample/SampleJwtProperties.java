package io.pushwire.sample;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The JWTs the sample application issues and accepts, under {@code sample.jwt}.
 *
 * @param secret the HMAC-SHA256 key, at least 32 bytes of UTF-8; unset, a random key is
 * made at startup, so tokens do not survive a restart
 * @param expiry how long an issued token is valid
 */
@ConfigurationProperties("sample.jwt")
public record SampleJwtProperties(@Nullable String secret, @DefaultValue("1h") Duration expiry) {

	private static final int MIN_KEY_BYTES = 32;

	/**
	 * The signing key.
	 * @return the configured secret as a key, or a random one
	 * @throws IllegalStateException when the configured secret is too short for HS256
	 */
	SecretKey secretKey() {
		byte[] bytes;
		if (this.secret == null || this.secret.isEmpty()) {
			bytes = new byte[MIN_KEY_BYTES];
			new SecureRandom().nextBytes(bytes);
		}
		else {
			bytes = this.secret.getBytes(StandardCharsets.UTF_8);
			if (bytes.length < MIN_KEY_BYTES) {
				throw new IllegalStateException(
						"sample.jwt.secret is " + bytes.length + " bytes long; HS256 needs at least " + MIN_KEY_BYTES
								+ ". Use a longer secret or leave it " + "unset for a random key.");
			}
		}
		return new SecretKeySpec(bytes, "HmacSHA256");
	}

}

package io.pushwire.server.redis;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

/**
 * Reading the values that Redis scripts answer, which arrive as {@code byte[]},
 * {@link ByteBuffer} or already as strings depending on the serializer.
 */
final class RedisValues {

	private RedisValues() {
	}

	/**
	 * A script's value as UTF-8 text.
	 * @param value the value, or {@code null} for a missing one
	 * @return the text, empty for {@code null}
	 */
	static String string(@Nullable Object value) {
		if (value == null) {
			return "";
		}
		if (value instanceof byte[] bytes) {
			return new String(bytes, StandardCharsets.UTF_8);
		}
		if (value instanceof ByteBuffer buffer) {
			return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
		}
		return value.toString();
	}

}

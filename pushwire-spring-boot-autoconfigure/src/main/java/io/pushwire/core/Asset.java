package io.pushwire.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A binary asset carried in a frame's payload (PROTOCOL.md §9): {@link Inline} with its
 * bytes in base64, or {@link Pointer} with the URL to download them from. {@code size}
 * and {@code sha256} always describe the bytes, and a receiver checks both
 * ({@link #verify(byte[])}) before handing the bytes over.
 *
 * @since 0.1.0
 */
public sealed interface Asset permits Asset.Inline, Asset.Pointer {

	/**
	 * The MIME type of the bytes.
	 * @return the type, without parameters
	 */
	String mime();

	/**
	 * The SHA-256 of the bytes, lowercase hex.
	 * @return 64 hex digits
	 */
	String sha256();

	/**
	 * The number of bytes.
	 * @return the size
	 */
	long size();

	/**
	 * The name the publisher gave, if any.
	 * @return the name or {@code null}
	 */
	@Nullable String name();

	/**
	 * The asset as a frame payload: the JSON object of PROTOCOL.md §9, without
	 * {@code name} when there is none.
	 * @return the payload
	 */
	ObjectNode toPayload();

	/**
	 * Check that bytes are this asset's: their size and SHA-256 match.
	 * @param bytes the bytes received
	 * @return the bytes
	 * @throws AssetIntegrityException when they do not match
	 */
	default byte[] verify(byte[] bytes) {
		if (bytes.length != size()) {
			throw new AssetIntegrityException(
					"Asset " + sha256() + " announced " + size() + " bytes but " + bytes.length + " arrived");
		}
		String actual = sha256Hex(bytes);
		if (!actual.equals(sha256())) {
			throw new AssetIntegrityException("Asset " + sha256() + " arrived with SHA-256 " + actual);
		}
		return bytes;
	}

	/**
	 * The lowercase hex SHA-256 of bytes.
	 * @param bytes the bytes
	 * @return 64 hex digits
	 */
	static String sha256Hex(byte[] bytes) {
		return HexFormat.of().formatHex(sha256(bytes));
	}

	/**
	 * Whether a string is a SHA-256 as assets name them: 64 lowercase hex digits.
	 * @param text the text
	 * @return whether it is
	 */
	static boolean isSha256(@Nullable String text) {
		return text != null && AssetJson.SHA256.matcher(text).matches();
	}

	/**
	 * Read an asset from a frame's payload.
	 * @param payload the payload
	 * @return the asset
	 * @throws ProtocolException {@code bad_message} when the payload is not an asset
	 */
	static Asset fromPayload(JsonNode payload) {
		if (payload == null || !payload.isObject()) {
			throw AssetJson.bad("an asset payload must be a JSON object");
		}
		String type = AssetJson.required(payload, "type");
		String mime = AssetJson.required(payload, "mime");
		String sha256 = AssetJson.required(payload, "sha256");
		if (!isSha256(sha256)) {
			throw AssetJson.bad("'sha256' must be 64 lowercase hex digits");
		}
		JsonNode size = payload.get("size");
		if (size == null || !size.isIntegralNumber() || !size.canConvertToLong() || size.longValue() < 0) {
			throw AssetJson.bad("'size' must be a non-negative integer");
		}
		String name = AssetJson.optional(payload, "name");
		if ("inline".equals(type)) {
			return new Inline(mime, sha256, size.longValue(), AssetJson.required(payload, "data_base64"), name);
		}
		if ("pointer".equals(type)) {
			return new Pointer(mime, sha256, size.longValue(), AssetJson.required(payload, "url"), name);
		}
		throw AssetJson.bad("'type' must be inline or pointer");
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	/**
	 * An asset whose bytes travel in the payload, base64 with padding (RFC 4648).
	 *
	 * @param mime the MIME type
	 * @param sha256 the SHA-256 of the bytes
	 * @param size the number of bytes
	 * @param dataBase64 the bytes in base64
	 * @param name the publisher's name for it, or {@code null}
	 * @since 0.1.0
	 */
	record Inline(String mime, String sha256, long size, String dataBase64, @Nullable String name) implements Asset {

		/**
		 * An inline asset of bytes.
		 * @param mime the MIME type
		 * @param bytes the bytes
		 * @param name the name or {@code null}
		 * @return the asset
		 */
		public static Inline of(String mime, byte[] bytes, @Nullable String name) {
			return new Inline(mime, sha256Hex(bytes), bytes.length, Base64.getEncoder().encodeToString(bytes), name);
		}

		/**
		 * Decode the bytes (without checking them: see {@link #verify(byte[])}).
		 * @return the bytes
		 * @throws AssetIntegrityException when {@code data_base64} is not base64
		 */
		public byte[] decode() {
			try {
				return Base64.getDecoder().decode(this.dataBase64.getBytes(StandardCharsets.US_ASCII));
			}
			catch (IllegalArgumentException ex) {
				throw new AssetIntegrityException("Asset " + this.sha256 + " has data_base64 that is not base64");
			}
		}

		@Override
		public ObjectNode toPayload() {
			ObjectNode node = AssetJson.common(this, "inline");
			node.put("data_base64", this.dataBase64);
			return AssetJson.named(node, this.name);
		}

	}

	/**
	 * An asset whose bytes are downloaded from {@code url} (same origin as the push
	 * endpoint, with the client's credentials).
	 *
	 * @param mime the MIME type
	 * @param sha256 the SHA-256 of the bytes
	 * @param size the number of bytes
	 * @param url the download path: the push endpoint's path, then /assets/ and the hash
	 * @param name the publisher's name for it, or {@code null}
	 * @since 0.1.0
	 */
	record Pointer(String mime, String sha256, long size, String url, @Nullable String name) implements Asset {

		@Override
		public ObjectNode toPayload() {
			ObjectNode node = AssetJson.common(this, "pointer");
			node.put("url", this.url);
			return AssetJson.named(node, this.name);
		}

	}

}

package io.pushwire.core;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reading and writing {@link Asset} payloads.
 */
final class AssetJson {

	static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

	private AssetJson() {
	}

	static ObjectNode common(Asset asset, String type) {
		ObjectNode node = JsonNodeFactory.instance.objectNode();
		node.put("type", type);
		node.put("mime", asset.mime());
		node.put("sha256", asset.sha256());
		node.put("size", asset.size());
		return node;
	}

	static ObjectNode named(ObjectNode node, @Nullable String name) {
		if (name != null) {
			node.put("name", name);
		}
		return node;
	}

	static ProtocolException bad(String message) {
		return new ProtocolException(ErrorCode.BAD_MESSAGE, "Not an asset: " + message);
	}

	static String required(JsonNode payload, String key) {
		String value = optional(payload, key);
		if (value == null) {
			throw bad("'" + key + "' is required");
		}
		return value;
	}

	static @Nullable String optional(JsonNode payload, String key) {
		JsonNode value = payload.get(key);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw bad("'" + key + "' must be a string");
		}
		return value.stringValue();
	}

}

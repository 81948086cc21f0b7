package io.pushwire.core;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The documents delta tests publish: about 2 KB of JSON of which one field changes from
 * one version to the next (PROTOCOL.md §8.3).
 */
public final class DeltaDocuments {

	private static final JsonMapper mapper = JsonMapper.builder().build();

	private DeltaDocuments() {
	}

	/**
	 * A version of the document.
	 * @param version the version
	 * @return the document
	 */
	public static JsonNode document(int version) {
		Map<String, Object> document = new LinkedHashMap<>();
		document.put("id", "order-4711");
		document.put("version", version);
		for (int i = 0; i < 24; i++) {
			Map<String, Object> line = new LinkedHashMap<>();
			line.put("sku", "SKU-" + (1000 + i));
			line.put("title", "A product with a long name " + i);
			line.put("quantity", i % 5 + 1);
			document.put("line" + i, line);
		}
		document.put("status", (version % 2 == 0) ? "packing" : "paid");
		return mapper.valueToTree(document);
	}

}

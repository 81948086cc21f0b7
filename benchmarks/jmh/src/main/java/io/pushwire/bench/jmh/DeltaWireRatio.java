package io.pushwire.bench.jmh;

import java.util.Base64;
import java.util.Random;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.pushwire.core.Asset;
import io.pushwire.core.FossilDelta;

/**
 * Bytes on the wire per delivery, full frames against {@code delta:fossil} frames
 * (PROTOCOL.md §8.3), on a realistic case: a JSON document of about 2 KB of which one
 * field changes per update. Not a JMH benchmark (it measures sizes, not time): run its
 * {@code main}. Each delta frame is checked to rebuild the next payload exactly.
 */
public final class DeltaWireRatio {

	private DeltaWireRatio() {
	}

	public static void main(String[] args) {
		int updates = (args.length > 0) ? Integer.parseInt(args[0]) : 1000;
		JsonMapper mapper = JsonMapper.builder().build();
		Random random = new Random(1);
		ObjectNode document = document(mapper, random);
		byte[] previous = mapper.writeValueAsBytes(document);
		long fullBytes = 0;
		long deltaBytes = 0;
		for (int cursor = 2; cursor <= updates + 1; cursor++) {
			// One field of one line item changes, as an order book or a dashboard does.
			ObjectNode line = (ObjectNode) document.withArray("lines").get(random.nextInt(30));
			line.put("qty", random.nextInt(1000));
			document.put("updated_at", 1_764_460_800_000L + cursor * 1000L);
			byte[] payload = mapper.writeValueAsBytes(document);
			ObjectNode full = frame(mapper, cursor);
			full.set("payload", document);
			fullBytes += mapper.writeValueAsBytes(full).length;
			byte[] delta = FossilDelta.create(previous, payload);
			ObjectNode deltaFrame = frame(mapper, cursor);
			ObjectNode body = deltaFrame.putObject("delta");
			body.put("base", cursor - 1);
			body.put("fossil", Base64.getEncoder().encodeToString(delta));
			body.put("sha256", Asset.sha256Hex(payload));
			deltaBytes += mapper.writeValueAsBytes(deltaFrame).length;
			if (!java.util.Arrays.equals(FossilDelta.apply(previous, delta, payload.length), payload)) {
				throw new IllegalStateException("The delta of update " + cursor + " does not rebuild the payload");
			}
			previous = payload;
		}
		System.out.printf("document: %d bytes; %d updates, one field each%n", previous.length, updates);
		System.out.printf("full frames:  %d bytes, %.0f per delivery%n", fullBytes, (double) fullBytes / updates);
		System.out.printf("delta frames: %d bytes, %.0f per delivery%n", deltaBytes, (double) deltaBytes / updates);
		System.out.printf("ratio: %.1fx fewer bytes with delta:fossil%n", (double) fullBytes / deltaBytes);
	}

	private static ObjectNode frame(JsonMapper mapper, int cursor) {
		ObjectNode frame = mapper.createObjectNode();
		frame.put("channel", "orders:desk-7");
		frame.put("cursor", cursor);
		return frame;
	}

	private static ObjectNode document(JsonMapper mapper, Random random) {
		ObjectNode document = mapper.createObjectNode();
		document.put("id", "order-book-7");
		document.put("currency", "EUR");
		document.put("updated_at", 1_764_460_800_000L);
		ArrayNode lines = document.putArray("lines");
		for (int i = 0; i < 30; i++) {
			ObjectNode line = lines.addObject();
			line.put("sku", "SKU-" + (10_000 + random.nextInt(90_000)));
			line.put("name", "Item number " + i);
			line.put("qty", random.nextInt(1000));
			line.put("price", Math.round(random.nextDouble() * 10_000) / 100.0);
		}
		return document;
	}

}

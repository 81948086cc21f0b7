package io.pushwire.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round-trip property tests of the wire formats: random frames and ops, encoded as JSON,
 * MessagePack and CBOR (with and without zstd, as the size decides) and decoded again,
 * give the same object. A seeded {@link Random}, so a failure repeats; the seed and
 * iteration are in the assertion's description.
 */
class WireFormatRoundTripTests {

	private static final int ITERATIONS = 3000;

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final ProtocolCodec json = new ProtocolCodec();

	private final WireIds ids = new WireIds(Map.of("chat", 1, "ticker", 2), 5);

	private final List<BinaryFormat> formats = List.of(BinaryFormat.msgpack(this.json, this.ids, ZstdBodies.plain()),
			BinaryFormat.cbor(this.json, this.ids, ZstdBodies.plain()));

	@Test
	void randomMessagesDecodeToTheSameObjectInEveryFormat() {
		long seed = 20261130L;
		Random random = new Random(seed);
		int compressed = 0;
		for (int i = 0; i < ITERATIONS; i++) {
			PushMessage message = (random.nextInt(3) == 0) ? randomOp(random) : randomFrame(random);
			PushMessage viaJson = this.json.decode(this.json.encode(message));
			for (BinaryFormat format : this.formats) {
				byte[] bytes = format.toBytes(message);
				compressed += bytes[3] & BinaryFormat.FLAG_ZSTD;
				PushMessage decoded = format.decode(bytes, 16 * 1024 * 1024);
				assertThat(decoded).as("seed %d iteration %d in %s: %s", seed, i, format, message).isEqualTo(viaJson);
				// And the JSON of what a binary peer decoded is the JSON sent.
				assertThat(this.json.encode(decoded)).isEqualTo(this.json.encode(viaJson));
				long sequence = ((bytes[5] & 0xffL) << 24) | ((bytes[6] & 0xffL) << 16) | ((bytes[7] & 0xffL) << 8)
						| (bytes[8] & 0xffL);
				Long cursor = (message instanceof Frame frame) ? frame.cursor() : null;
				assertThat(sequence).isEqualTo((cursor != null) ? cursor & 0xffffffffL : 0);
			}
		}
		// Both sides of the zstd threshold were exercised.
		assertThat(compressed).isBetween(ITERATIONS / 20, 2 * ITERATIONS - ITERATIONS / 20);
	}

	@Test
	void fragmentedMessagesReassembleToTheSameObject() {
		Random random = new Random(7);
		FragmentAssembler assembler = new FragmentAssembler(16 * 1024 * 1024, () -> 0);
		for (int i = 0; i < 200; i++) {
			PushMessage message = randomFrame(random);
			for (BinaryFormat format : this.formats) {
				byte[] bytes = format.toBytes(message);
				byte[] whole = null;
				for (byte[] fragment : Fragments.split(bytes, Fragments.MIN_FRAGMENT_SIZE)) {
					whole = BinaryFormat.isFragment(fragment) ? assembler.accept(fragment) : fragment;
				}
				assertThat(whole).isEqualTo(bytes);
			}
		}
		assertThat(assembler.partials()).isZero();
	}

	private Frame randomFrame(Random random) {
		Long cursor = switch (random.nextInt(4)) {
			case 0 -> null;
			case 1 -> 1L + random.nextInt(1000);
			case 2 -> (1L << 32) + random.nextInt(1000);
			default -> 1L + (random.nextLong() & Cursors.MAX_CURSOR - 1);
		};
		String clientId = random.nextBoolean() ? new UUID(random.nextLong(), random.nextLong()).toString() : null;
		return new Frame(channel(random), cursor, value(random, 0), clientId);
	}

	private SystemOp randomOp(Random random) {
		return switch (random.nextInt(12)) {
			case 0 -> new SystemOp.Auth(uuid(random), text(random), channels(random), cursors(random), epochs(random),
					random.nextBoolean() ? (long) random.nextInt(100) : null, null,
					random.nextBoolean() ? List.of("fragments") : List.of());
			case 1 -> new SystemOp.AuthOk(uuid(random), cursors(random), cursors(random), epochs(random),
					random.nextInt(60_000), List.of("resume", "binary:msgpack", "zstd"),
					random.nextBoolean() ? random.nextLong() & Cursors.MAX_CURSOR : null, null, this.ids.asMap());
			case 2 -> new SystemOp.Subscribe(channels(random), cursors(random), epochs(random));
			case 3 -> new SystemOp.Subscribed(channels(random), cursors(random), epochs(random));
			case 4 -> new SystemOp.Ack(channel(random), random.nextLong() & Cursors.MAX_CURSOR);
			case 5 -> new SystemOp.ResumeRequired(channel(random), random.nextInt(1 << 20), "e" + random.nextInt(99));
			case 6 -> new SystemOp.Error("bad_message", text(random), random.nextBoolean() ? channel(random) : null);
			case 7 -> new SystemOp.Goodbye("shutdown", 1001);
			case 8 -> new SystemOp.Relay(uuid(random), "rtc:" + random.nextInt(9), value(random, 0));
			case 9 -> new SystemOp.Slow(random.nextBoolean() ? (long) random.nextInt(99) : null);
			case 10 -> new SystemOp.Join(channel(random), uuid(random), text(random));
			default -> new SystemOp.Ping();
		};
	}

	private static String uuid(Random random) {
		return new UUID(random.nextLong(), random.nextLong()).toString();
	}

	private static String channel(Random random) {
		String kind = List.of("chat", "ticker", "other").get(random.nextInt(3));
		return random.nextBoolean() ? kind
				: kind + ":" + "t" + random.nextInt(1_000_000) + (random.nextBoolean() ? ":sub" : "");
	}

	private static List<String> channels(Random random) {
		List<String> channels = new ArrayList<>();
		for (int i = random.nextInt(4); i > 0; i--) {
			channels.add(channel(random));
		}
		return channels;
	}

	private static Map<String, Long> cursors(Random random) {
		Map<String, Long> cursors = new LinkedHashMap<>();
		for (int i = random.nextInt(4); i > 0; i--) {
			cursors.put(channel(random), random.nextLong() & Cursors.MAX_CURSOR);
		}
		return cursors;
	}

	private static Map<String, String> epochs(Random random) {
		Map<String, String> epochs = new LinkedHashMap<>();
		for (int i = random.nextInt(3); i > 0; i--) {
			epochs.put(channel(random), "ep" + random.nextInt(1000));
		}
		return epochs;
	}

	private static String text(Random random) {
		StringBuilder text = new StringBuilder();
		int length = (random.nextInt(10) == 0) ? 200 + random.nextInt(2000) : random.nextInt(20);
		for (int i = 0; i < length; i++) {
			int kind = random.nextInt(10);
			if (kind < 6) {
				text.append((char) ('a' + random.nextInt(26)));
			}
			else if (kind < 8) {
				text.append(" \"\\/\n\t".charAt(random.nextInt(6)));
			}
			else if (kind < 9) {
				text.append((char) (0xe0 + random.nextInt(0x600)));
			}
			else {
				text.appendCodePoint(0x1f600 + random.nextInt(50));
			}
		}
		return text.toString();
	}

	private static JsonNode value(Random random, int depth) {
		int kind = random.nextInt((depth < 5) ? 10 : 7);
		return switch (kind) {
			case 0 -> NODES.nullNode();
			case 1 -> NODES.booleanNode(random.nextBoolean());
			case 2 -> NODES.numberNode(random.nextInt());
			case 3 -> NODES.numberNode(random.nextLong());
			case 4 -> NODES.numberNode(random.nextDouble() * Math.pow(10, random.nextInt(20) - 10));
			case 5, 6 -> NODES.stringNode(text(random));
			case 7 -> {
				ArrayNode array = NODES.arrayNode();
				for (int i = random.nextInt(6); i > 0; i--) {
					array.add(value(random, depth + 1));
				}
				yield array;
			}
			default -> {
				ObjectNode object = NODES.objectNode();
				for (int i = random.nextInt(6); i > 0; i--) {
					object.set(text(random), value(random, depth + 1));
				}
				yield object;
			}
		};
	}

}

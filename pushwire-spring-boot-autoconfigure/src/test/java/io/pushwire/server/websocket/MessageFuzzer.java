package io.pushwire.server.websocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bounded random generator of malformed and mutated client messages, each with the
 * reaction that PROTOCOL.md §3–§4 prescribes for it. Deterministic for a given
 * {@link SplittableRandom}.
 * <p>
 * Mutated messages get their expected reaction from an oracle that reads them with its
 * own mapper (strict about trailing content, nesting counted here rather than by the
 * codec under test).
 */
final class MessageFuzzer {

	/** The largest message the test server accepts ({@code max-message-size=4KB}). */
	static final int MAX_MESSAGE_SIZE = 4096;

	/**
	 * Above this the server's Netty frame limit fails the inbound instead of our handler.
	 */
	static final int NETTY_FRAME_LIMIT = MAX_MESSAGE_SIZE + 65536;

	static final String BAD = "bad_message";

	private static final long MAX_CURSOR = (1L << 53) - 1;

	private static final Set<String> CLIENT_OPS = Set.of("auth", "subscribe", "unsubscribe", "ack", "ping", "pong",
			"goodbye", "features", "relay");

	private static final List<String> KNOWN_OPS = List.of("auth", "auth_ok", "subscribe", "subscribed", "unsubscribe",
			"unsubscribed", "ack", "resume_required", "ping", "pong", "slow", "error", "goodbye", "features", "health",
			"relay", "mode_switch");

	private static final String[] NOT_CURSORS = { "1.5", "-1", "9007199254740992", "1e400", "\"1\"", "true", "[]", "{}",
			"1e2", "-0.5", "18446744073709551617", "99999999999999999999999999999999999999" };

	private static final String[] NOT_STRINGS = { "5", "1.5", "true", "false", "[]", "{}", "[\"x\"]", "{\"a\":1}" };

	private static final String[] NOT_STRING_LISTS = { "\"chat:f1\"", "5", "true", "{}", "[1]", "[true]", "[[]]",
			"[{}]", "[\"chat:f1\",2]", "[null]" };

	private static final String[] INVALID_CHANNELS = { "Chat:x", "CHAT", "chat:", ":x", "", "chat: x", "chat:x y",
			"chat:a/b", "chat:a,b", "chat:a=b", "chat:a@b", "1chat", "-chat", "_chat", "chat:\u00e9t\u00e9", "chat:\\n",
			"chat:\\t", "chat x", "chat:" + "t".repeat(201), "k" + "a".repeat(32), "chat:a b", "chat:a\\u0000",
			"chat:\u4e2d", " chat", "chat ", "chat:x!" };

	private static final String[] UNKNOWN_KINDS = { "nope:x", "zzz", "chatx:1", "a", "chat2:room", "rtc-x:1",
			"orders:user:alice" };

	private static final String[] MUTATION_CHARS = { "{", "}", "[", "]", "\"", ":", ",", "0", "1", "9", "-", ".", "e",
			"a", "z", "n", "t", " ", "\\", "\u00e9", "\u4e2d", "\ud83d\ude00", "\t", "\n" };

	private static final String[] MUTATION_TOKENS = { "null", "true", "{", "}", "[", "]", ",", "\"", "1e400", "-1",
			"1.5", "\"type\":", "\"channel\":", "{\"a\":[1,{\"b\":null}]}", "\"\\u0000\"", "\\" };

	private static final JsonMapper oracleMapper = JsonMapper
		.builder(JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(100_000).build())
			.build())
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final SplittableRandom random;

	private final String user;

	private final String home;

	private final List<String> pool;

	MessageFuzzer(SplittableRandom random, String user, String home, List<String> pool) {
		this.random = random;
		this.user = user;
		this.home = home;
		this.pool = pool;
	}

	/**
	 * The pool of valid channels fuzz subscriptions and frames use, so that streams stay
	 * bounded.
	 */
	static List<String> channelPool() {
		List<String> pool = new ArrayList<>();
		for (int i = 0; i < 16; i++) {
			pool.add("chat:f" + i);
			pool.add("ticker:f" + i);
		}
		for (int i = 0; i < 8; i++) {
			pool.add("small:f" + i);
		}
		pool.add("alerts:probe");
		return pool;
	}

	/** Per mille of each category, in {@link Category} order. */
	private static final int[] WEIGHTS = { 50, 40, 50, 40, 50, 50, 20, 120, 80, 15, 70, 35, 30, 15, 3, 45, 87, 146, 20,
			15, 5, 4, 2, 4, 2, 2 };

	Message next() {
		int roll = this.random.nextInt(1000);
		Category[] categories = Category.values();
		for (int i = 0; i < categories.length; i++) {
			roll -= WEIGHTS[i];
			if (roll < 0) {
				return generate(categories[i]);
			}
		}
		throw new IllegalStateException("weights do not add up to 1000");
	}

	Message generate(Category category) {
		return switch (category) {
			case NOT_JSON -> badMessage(category, notJson());
			case TRUNCATED_JSON -> {
				String valid = validText();
				yield badMessage(category, valid.substring(0, 1 + this.random.nextInt(valid.length() - 1)));
			}
			case NON_OBJECT -> badMessage(category,
					pick("[1,2]", "\"str\"", "42", "true", "false", "null", "[]", "[{\"type\":\"ping\"}]", "{} {}",
							"{\"type\":\"ping\"} x", "{\"type\":\"ping\"}{\"type\":\"ping\"}", "1.5e3", "-0",
							"\"{\\\"type\\\":\\\"ping\\\"}\"", "[" + validText() + "]", validText() + " 1",
							validText() + "]"));
			case NO_TYPE_OR_CHANNEL -> badMessage(category,
					pick("{}", "{\"a\":1}", "{\"Type\":\"ping\"}", "{\"TYPE\":\"ping\"}", "{\"chanel\":\"chat:f1\"}",
							"{\"payload\":{\"type\":\"ping\"}}", "{\"types\":\"ping\",\"channels\":[\"chat:f1\"]}",
							"{\"cursor\":1}", "{\"" + word() + "\":" + value() + "}"));
			case UNKNOWN_TYPE -> badMessage(category, "{\"type\":" + unknownType() + "}");
			case SERVER_ONLY_OP -> badMessage(category, serverOnlyOp());
			case SECOND_AUTH -> badMessage(category,
					pick("{\"type\":\"auth\"}",
							"{\"type\":\"auth\",\"token\":\"token-" + this.user + "\",\"capabilities\":[\"chat:f1\"]}",
							"{\"type\":\"auth\",\"token\":\"wrong\"}", "{\"type\":\"auth\",\"client_id\":\"nope\"}",
							"{\"type\":\"auth\",\"capabilities\":5}"));
			case WRONG_VALUE_TYPE -> wrongValueType();
			case BAD_FRAME_FIELD -> badFrameField();
			case DEEP_NESTING -> deepNesting();
			case INVALID_CHANNEL -> onChannel(category, pick(INVALID_CHANNELS), BAD);
			case UNKNOWN_KIND -> onChannel(category, pick(UNKNOWN_KINDS), "unknown_channel");
			case NO_HANDLER -> Message.text(category, frame(pick("ticker:f1", "small:f2", "inbox:" + this.user), "1"),
					Expected.error("no_handler"));
			case FORBIDDEN -> switch (this.random.nextInt(3)) {
				case 0 -> Message.text(category, frame("reject:r" + this.random.nextInt(4), "{\"text\":\"x\"}"),
						Expected.error("forbidden"));
				// alerts: publish none and no handler; the access check comes first.
				case 1 ->
					Message.text(category, frame(pick("alerts:x", "alerts:probe"), "1"), Expected.error("forbidden"));
				default -> Message.text(category, "{\"type\":\"subscribe\",\"channels\":[\"inbox:someone-else\"]}",
						Expected.subscribed(1, "forbidden"));
			};
			case HANDLER_FAILURE -> Message.text(category, frame("fail:x", "1"), Expected.error("internal"));
			case BAD_ACK -> badAck();
			case VALID -> valid();
			case MUTATED -> mutated();
			case BINARY -> {
				byte[] bytes = new byte[this.random.nextInt(65)];
				this.random.nextBytes(bytes);
				yield new Message(category, bytes, Form.BINARY, new int[0], Expected.error(BAD));
			}
			case FRAGMENTED -> fragmented();
			case WS_PING -> {
				byte[] bytes = new byte[this.random.nextInt(126)];
				this.random.nextBytes(bytes);
				// Answered with a pong frame (RFC 6455 §5.5.2), never with an op.
				yield new Message(category, bytes, Form.PING, new int[0], Expected.of(Kind.NOTHING));
			}
			case FRAGMENTED_OVERSIZED -> {
				Message whole = oversized();
				int size = whole.bytes().length;
				int pieces = 2 + this.random.nextInt(Math.max(1, Math.min(40, size / 2048)));
				yield new Message(category, whole.bytes(), Form.TEXT, cuts(size, pieces), whole.expected());
			}
			case OVERSIZED -> oversized();
			case INVALID_UTF8 -> invalidUtf8();
			case BEFORE_AUTH -> {
				// Anything but a valid auth first ends the connection with goodbye policy
				// and 1008 (§4).
				Message first = (this.random.nextInt(8) == 0)
						? Message.text(category, pick("{\"type\":\"auth\",\"capabilities\":5}",
								"{\"type\":\"auth\",\"client_id\":\"not-a-uuid\"}", "{\"type\":\"auth\",\"token\":7}"),
								Expected.error(BAD))
						: generate(pick(Category.NOT_JSON, Category.NON_OBJECT, Category.UNKNOWN_TYPE,
								Category.SERVER_ONLY_OP, Category.VALID, Category.BINARY, Category.BAD_FRAME_FIELD,
								Category.FRAGMENTED, Category.MUTATED));
				yield new Message(category, first.bytes(), first.form(), first.fragments(),
						Expected.close(1008, "policy"));
			}
			case GOODBYE -> Message.text(category,
					pick("{\"type\":\"goodbye\"}", "{\"type\":\"goodbye\",\"reason\":\"normal\",\"code\":1000}",
							"{\"type\":\"goodbye\",\"reason\":null}",
							"{\"channel\":\"system\",\"payload\":{\"type\":\"goodbye\"}}",
							"{\"type\":\"goodbye\",\"x\":[1,2]}"),
					Expected.close(1000, "normal"));
		};
	}

	private Message badMessage(Category category, String text) {
		Expected oracle = oracle(text);
		if (oracle.kind() != Kind.ERROR || !oracle.codes().equals(Set.of(BAD))) {
			throw new IllegalStateException(
					"Generator bug: " + category + " produced a message that is not bad: " + text);
		}
		return Message.text(category, text, Expected.error(BAD));
	}

	private String notJson() {
		if (this.random.nextInt(3) == 0) {
			StringBuilder text = new StringBuilder();
			int length = this.random.nextInt(60);
			for (int i = 0; i < length; i++) {
				text.append((char) (0x20 + this.random.nextInt(0x5f)));
			}
			String candidate = text.toString();
			// Rarely, random text is valid JSON (a number, a string): still bad, but not
			// "not JSON".
			return (oracle(candidate).kind() == Kind.ERROR) ? candidate : "x" + candidate;
		}
		return pick("hello", "{", "}", "{{", "[", "nul", "tru", "{\"type\":}", "{'type':'ping'}", "{type:ping}", "NaN",
				"{\"a\":1,}", "//x", "", " ", "\n", "\"unterminated", "{\"type\":\"ping\"", "{\"type\":\"ping\",}",
				"{\"type\" \"ping\"}", "{\"type\":\"ping\"]", "\u0000", "{\"type\":\"p\u0001ing\"}", "/* */{}",
				"{\"channel\":\"chat:f1\",\"payload\":01}", "{\"channel\":\"chat:f1\",\"payload\":.5}",
				"{\"channel\":\"chat:f1\",\"payload\":+1}", "{\"channel\":\"chat:f1\",\"payload\":Infinity}",
				"{\"channel\":\"chat:f1\",\"payload\":\"\\x\"}", "\ufeff", "{\"a\":\"\\ud800\"");
	}

	private String unknownType() {
		int choice = this.random.nextInt(4);
		if (choice == 0) {
			return pick("\"PING\"", "\"Ping\"", "\" ping\"", "\"ping \"", "\"\"", "5", "null", "true", "[]", "{}",
					"[\"ping\"]", "{\"type\":\"ping\"}", "\"sub scribe\"", "\"auth-ok\"", "\"authok\"", "1.5");
		}
		String word = word();
		return "\"" + (KNOWN_OPS.contains(word) ? word + "_x" : word) + "\"";
	}

	private String serverOnlyOp() {
		return pick("{\"type\":\"auth_ok\",\"client_id\":\"x\"}", "{\"type\":\"auth_ok\"}",
				"{\"type\":\"subscribed\",\"channels\":[\"chat:f1\"],\"heads\":{\"chat:f1\":1}}",
				"{\"type\":\"subscribed\",\"channels\":5}", "{\"type\":\"unsubscribed\",\"channels\":[\"chat:f1\"]}",
				"{\"type\":\"resume_required\",\"channel\":\"chat:f1\",\"from_cursor\":1,\"epoch\":\"abc\"}",
				"{\"type\":\"resume_required\"}", "{\"type\":\"slow\"}", "{\"type\":\"slow\",\"window\":1.5}",
				"{\"type\":\"error\",\"code\":\"internal\",\"message\":\"x\"}", "{\"type\":\"error\"}",
				"{\"type\":\"health\",\"status\":\"ok\"}", "{\"type\":\"health\"}",
				"{\"type\":\"mode_switch\",\"peer_id\":\"p\",\"mode\":\"relay\",\"previous_mode\":\"p2p\",\"reason\":\"requested\",\"generation\":3}",
				"{\"type\":\"mode_switch\"}",
				"{\"channel\":\"system\",\"payload\":{\"type\":\"auth_ok\",\"client_id\":\"x\"}}",
				"{\"channel\":\"system\",\"payload\":{\"type\":\"error\",\"code\":\"x\"}}");
	}

	private Message wrongValueType() {
		Category category = Category.WRONG_VALUE_TYPE;
		return switch (this.random.nextInt(14)) {
			case 0 -> badMessage(category, "{\"type\":\"subscribe\",\"channels\":" + pick(NOT_STRING_LISTS) + "}");
			case 1 -> badMessage(category, "{\"type\":\"subscribe\"" + pick("", ",\"channels\":null") + "}");
			case 2 ->
				badMessage(category, "{\"type\":\"subscribe\",\"channels\":[\"" + poolChannel() + "\"],\"cursors\":"
						+ pick("[]", "5", "\"x\"", "true", "{\"chat:f1\":" + pick(NOT_CURSORS) + "}") + "}");
			case 3 -> badMessage(category, "{\"type\":\"subscribe\",\"channels\":[\"" + poolChannel()
					+ "\"],\"epochs\":" + pick("[]", "5", "\"x\"", "{\"chat:f1\":" + pick(NOT_STRINGS) + "}") + "}");
			case 4 -> badMessage(category, "{\"type\":\"unsubscribe\""
					+ pick("", ",\"channels\":null", ",\"channels\":" + pick(NOT_STRING_LISTS)) + "}");
			case 5 -> badMessage(category, "{\"type\":\"ack\",\"channel\":" + pick(NOT_STRINGS) + ",\"cursor\":0}");
			case 6 -> badMessage(category, "{\"type\":\"ack\",\"channel\":\"" + this.home + "\""
					+ pick("", ",\"cursor\":null", ",\"cursor\":" + pick(NOT_CURSORS)) + "}");
			case 7 -> badMessage(category,
					"{\"type\":\"ack\"" + pick("", ",\"cursor\":0", ",\"channel\":null,\"cursor\":0") + "}");
			case 8 -> badMessage(category, "{\"type\":\"goodbye\","
					+ pick("\"reason\":" + pick(NOT_STRINGS),
							"\"code\":"
									+ pick("\"1000\"", "1.5", "-1", "[]", "{}", "true", "9007199254740992", "1e400"))
					+ "}");
			case 9 -> badMessage(category, "{\"type\":\"features\",\"" + pick("supported", "requested") + "\":"
					+ pick(NOT_STRING_LISTS) + "}");
			case 10 -> badMessage(category,
					"{\"type\":\"relay\"," + pick("\"to\":" + pick(NOT_STRINGS) + ",\"channel\":\"chat:f1\"",
							"\"to\":\"x\",\"channel\":" + pick(NOT_STRINGS), "\"channel\":\"chat:f1\"", "\"to\":\"x\"")
							+ "}");
			case 11 -> badMessage(category, "{\"channel\":\"system\",\"payload\":" + pick(NOT_STRINGS) + "}");
			// ping and pong have no keys of their own: unknown keys are ignored (§3).
			case 12 -> Message.text(category, "{\"type\":\"ping\",\"" + word() + "\":" + value() + "}",
					Expected.of(Kind.PONG));
			default -> Message.text(category, "{\"type\":\"pong\",\"" + word() + "\":" + value() + "}",
					Expected.of(Kind.NOTHING));
		};
	}

	private Message badFrameField() {
		Category category = Category.BAD_FRAME_FIELD;
		String channel = "\"chat:f" + this.random.nextInt(16) + "\"";
		String payload = "{\"text\":\"hi\"}";
		return switch (this.random.nextInt(5)) {
			case 0 -> badMessage(category,
					"{\"channel\":" + pick("5", "1.5", "true", "null", "[]", "{}", "[\"chat:f1\"]", "{\"chat\":1}")
							+ ",\"payload\":" + payload + "}");
			case 1 -> badMessage(category,
					"{\"channel\":" + channel + ",\"cursor\":" + pick(NOT_CURSORS) + ",\"payload\":" + payload + "}");
			case 2 -> badMessage(category, "{\"channel\":" + channel + ",\"cursor\":0,\"payload\":" + payload + "}");
			case 3 -> badMessage(category, "{\"channel\":" + channel + ",\"client_id\":" + pick(NOT_STRINGS)
					+ ",\"payload\":" + payload + "}");
			// Edges that are valid: the largest cursor, a cursor on a client frame, any
			// client_id string.
			default -> Message.text(category,
					"{\"channel\":" + channel + ",\"cursor\":" + pick("1", "9007199254740991", "null")
							+ ",\"client_id\":" + pick("\"x\"", "null", "\"\"") + ",\"payload\":" + payload + "}",
					Expected.of(Kind.NOTHING));
		};
	}

	private Message deepNesting() {
		// The frame object is one level; its payload adds the rest. 64 levels in all are
		// allowed.
		int depth = switch (this.random.nextInt(4)) {
			case 0 -> 63;
			case 1 -> 64;
			case 2 -> 65 + this.random.nextInt(10);
			default -> 65 + this.random.nextInt(1800);
		};
		String payload = "[".repeat(depth) + "]".repeat(depth);
		String text = this.random.nextBoolean() ? frame("chat:f" + this.random.nextInt(16), payload)
				: "{\"type\":\"features\",\"x\":" + payload + "}";
		Expected expected = oracle(text);
		if (expected.kind() == Kind.LENIENT) {
			// Within the limit: a frame is taken by the chat handler, features are
			// answered.
			expected = Expected.of(text.startsWith("{\"channel\"") ? Kind.NOTHING : Kind.FEATURES);
		}
		return Message.text(Category.DEEP_NESTING, text, expected);
	}

	private Message onChannel(Category category, String channel, String code) {
		String json = oracleMapper.writeValueAsString(channel);
		return switch (this.random.nextInt(4)) {
			case 0, 1 -> Message.text(category, frame(json, "{\"text\":\"x\"}"), Expected.error(code));
			case 2 -> Message.text(category, "{\"type\":\"subscribe\",\"channels\":[" + json + "]}",
					Expected.subscribed(1, code));
			// An ack for a channel the client is not subscribed to.
			default ->
				Message.text(category, "{\"type\":\"ack\",\"channel\":" + json + ",\"cursor\":0}", Expected.error(BAD));
		};
	}

	private Message badAck() {
		Category category = Category.BAD_ACK;
		return switch (this.random.nextInt(4)) {
			case 0 -> Message.text(category, "{\"type\":\"ack\",\"channel\":\"" + this.home + "\",\"cursor\":"
					+ pick("1", "2", "1000", String.valueOf(MAX_CURSOR)) + "}", Expected.error(BAD));
			case 1 -> Message.text(category, "{\"type\":\"ack\",\"channel\":\"chat:nosub-" + this.random.nextInt(1000)
					+ "\",\"cursor\":" + this.random.nextInt(3) + "}", Expected.error(BAD));
			case 2 -> Message.text(category,
					"{\"type\":\"ack\",\"channel\":\"" + pick(UNKNOWN_KINDS) + "\",\"cursor\":0}", Expected.error(BAD));
			// Acknowledging nothing received yet is fine.
			default -> Message.text(category, "{\"type\":\"ack\",\"channel\":\"" + this.home + "\",\"cursor\":0}",
					Expected.of(Kind.NOTHING));
		};
	}

	private Message valid() {
		String text = validText();
		return Message.text(Category.VALID, text, oracleForValid(text));
	}

	/** A valid message that never closes the connection, with its exact reaction. */
	private String validText() {
		return switch (this.random.nextInt(9)) {
			case 0 -> "{\"type\":\"ping\"}";
			case 1 -> "{\"type\":\"pong\"}";
			case 2 -> {
				List<String> channels = new ArrayList<>();
				int count = 1 + this.random.nextInt(4);
				for (int i = 0; i < count; i++) {
					channels.add((this.random.nextInt(8) == 0) ? "inbox:" + this.user : poolChannel());
				}
				StringBuilder cursors = new StringBuilder();
				// Resuming a chat channel replays up to its whole window: kept to
				// channels without history.
				if (this.random.nextBoolean() && !channels.get(0).startsWith("chat:")) {
					cursors.append(",\"cursors\":{\"")
						.append(channels.get(0))
						.append("\":")
						.append(this.random.nextInt(3000))
						.append('}');
					if (this.random.nextBoolean()) {
						cursors.append(",\"epochs\":{\"")
							.append(channels.get(0))
							.append("\":\"e")
							.append(this.random.nextInt(9))
							.append("\"}");
					}
				}
				yield "{\"type\":\"subscribe\",\"channels\":" + oracleMapper.writeValueAsString(channels) + cursors
						+ "}";
			}
			case 3 -> "{\"type\":\"unsubscribe\",\"channels\":[\"" + poolChannel() + "\"]}";
			case 4, 5 -> frame("chat:f" + this.random.nextInt(16),
					"{\"text\":\"" + word() + "\",\"n\":" + this.random.nextInt() + "}");
			case 6 -> "{\"type\":\"features\",\"requested\":[\"resume\",\"zstd\",\"" + word() + "\"]}";
			case 7 -> "{\"type\":\"relay\",\"to\":\"x\",\"channel\":\"chat:f1\",\"payload\":{\"a\":1}}";
			default -> "{\"channel\":\"system\",\"payload\":{\"type\":\"ping\"}}";
		};
	}

	/**
	 * Valid subscribes only name channels the client may have; the rest the oracle knows
	 * exactly.
	 */
	private static Expected oracleForValid(String text) {
		if (text.startsWith("{\"type\":\"subscribe\"")) {
			return Expected.subscribed(0);
		}
		Expected expected = oracle(text);
		if (expected.kind() == Kind.LENIENT) {
			// Frames on chat channels, taken by the chat handler.
			return Expected.of(Kind.NOTHING);
		}
		return expected;
	}

	private Message mutated() {
		while (true) {
			int[] points = validText().codePoints().toArray();
			List<Integer> text = new ArrayList<>(points.length + 32);
			for (int point : points) {
				text.add(point);
			}
			int mutations = 1 + this.random.nextInt(3);
			for (int i = 0; i < mutations && !text.isEmpty(); i++) {
				mutate(text);
			}
			StringBuilder builder = new StringBuilder();
			text.forEach(builder::appendCodePoint);
			String result = builder.toString();
			Expected expected = oracle(result);
			if (expected.kind() != Kind.CLOSE && result.getBytes(StandardCharsets.UTF_8).length <= MAX_MESSAGE_SIZE) {
				return Message.text(Category.MUTATED, result, expected);
			}
		}
	}

	private void mutate(List<Integer> text) {
		int at = this.random.nextInt(text.size());
		switch (this.random.nextInt(4)) {
			case 0 -> text.set(at, pick(MUTATION_CHARS).codePointAt(0));
			case 1 -> {
				int length = Math.min(1 + this.random.nextInt(8), text.size() - at);
				text.subList(at, at + length).clear();
			}
			case 2 -> {
				int length = Math.min(1 + this.random.nextInt(16), text.size() - at);
				List<Integer> span = new ArrayList<>(text.subList(at, at + length));
				text.addAll(this.random.nextInt(text.size() + 1), span);
			}
			default -> {
				List<Integer> token = pick(MUTATION_TOKENS).codePoints().boxed().toList();
				text.addAll(this.random.nextInt(text.size() + 1), token);
			}
		}
	}

	/**
	 * A text message in fragments, cut anywhere, in the middle of a UTF-8 sequence too.
	 */
	private Message fragmented() {
		Message whole = switch (this.random.nextInt(4)) {
			case 0 -> Message.text(Category.FRAGMENTED,
					frame("chat:f" + this.random.nextInt(16), "{\"text\":\"\u00e9t\u00e9 \u4e2d\u6587 \ud83d\ude00\"}"),
					Expected.of(Kind.NOTHING));
			case 1 -> mutated();
			default -> valid();
		};
		byte[] bytes = whole.bytes();
		if (bytes.length < 2) {
			return new Message(Category.FRAGMENTED, bytes, Form.TEXT, new int[0], whole.expected());
		}
		int pieces = 2 + this.random.nextInt(Math.min(4, bytes.length - 1));
		return new Message(Category.FRAGMENTED, bytes, Form.TEXT, cuts(bytes.length, pieces), whole.expected());
	}

	/**
	 * Distinct, increasing offsets that cut {@code length} bytes into {@code pieces}
	 * non-empty parts.
	 */
	private int[] cuts(int length, int pieces) {
		TreeSet<Integer> cuts = new TreeSet<>();
		while (cuts.size() < pieces - 1) {
			cuts.add(1 + this.random.nextInt(length - 1));
		}
		return cuts.stream().mapToInt(Integer::intValue).toArray();
	}

	private Message oversized() {
		int size = (this.random.nextInt(10) == 0) ? NETTY_FRAME_LIMIT + 1 + this.random.nextInt(30_000)
				: MAX_MESSAGE_SIZE + 1 + this.random.nextInt(this.random.nextBoolean() ? 8 : 60_000);
		String prefix = "{\"channel\":\"chat:f1\",\"payload\":\"";
		String text = prefix + "x".repeat(Math.max(0, size - prefix.length() - 2)) + "\"}";
		return Message.text(Category.OVERSIZED, text, Expected.close(1009, "too_large"));
	}

	private Message invalidUtf8() {
		byte[][] sequences = { { (byte) 0xC3, 0x28 }, { (byte) 0x80 }, { (byte) 0xC0, (byte) 0xAF },
				{ (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80 },
				{ (byte) 0xF0, (byte) 0x9F, (byte) 0x98 }, { (byte) 0xFF }, { (byte) 0xE2, (byte) 0x82 } };
		byte[] bad = sequences[this.random.nextInt(sequences.length)];
		byte[] prefix = "{\"channel\":\"chat:f1\",\"payload\":\"".getBytes(StandardCharsets.UTF_8);
		byte[] suffix = this.random.nextBoolean() ? "\"}".getBytes(StandardCharsets.UTF_8) : new byte[0];
		byte[] bytes = new byte[prefix.length + bad.length + suffix.length];
		System.arraycopy(prefix, 0, bytes, 0, prefix.length);
		System.arraycopy(bad, 0, bytes, prefix.length, bad.length);
		System.arraycopy(suffix, 0, bytes, prefix.length + bad.length, suffix.length);
		// The server says goodbye with reason policy and closes with 1007 (§3).
		return new Message(Category.INVALID_UTF8, bytes, Form.TEXT, new int[0], Expected.close(1007, "policy"));
	}

	/**
	 * The reaction PROTOCOL.md §3 prescribes, worked out independently of the codec under
	 * test: exact for messages that must be refused, pings, pongs and goodbyes; otherwise
	 * lenient.
	 */
	static Expected oracle(String text) {
		JsonNode node;
		try {
			node = oracleMapper.readTree(text);
		}
		catch (JacksonException ex) {
			return Expected.error(BAD);
		}
		if (node == null || !node.isObject() || depth(node) > 64) {
			return Expected.error(BAD);
		}
		if (node.has("type")) {
			return oracleForOp(node);
		}
		if (node.has("channel")) {
			JsonNode channel = node.get("channel");
			if (!channel.isString()) {
				return Expected.error(BAD);
			}
			if ("system".equals(channel.stringValue())) {
				JsonNode payload = node.get("payload");
				if (payload == null || !payload.isObject() || !payload.has("type")) {
					return Expected.error(BAD);
				}
				return oracleForOp(payload);
			}
			JsonNode cursor = node.get("cursor");
			JsonNode clientId = node.get("client_id");
			boolean cursorValid = cursor == null || cursor.isNull() || (cursor.isIntegralNumber()
					&& cursor.canConvertToLong() && cursor.longValue() >= 1 && cursor.longValue() <= MAX_CURSOR);
			boolean clientIdValid = clientId == null || clientId.isNull() || clientId.isString();
			return (cursorValid && clientIdValid) ? Expected.lenient(0) : Expected.error(BAD);
		}
		return Expected.error(BAD);
	}

	private static Expected oracleForOp(JsonNode op) {
		JsonNode type = op.get("type");
		if (type == null || !type.isString() || !CLIENT_OPS.contains(type.stringValue())
				|| "auth".equals(type.stringValue())) {
			return Expected.error(BAD);
		}
		boolean valid = switch (type.stringValue()) {
			case "subscribe" ->
				stringList(op.get("channels"), true) && cursorMap(op.get("cursors")) && stringMap(op.get("epochs"));
			case "unsubscribe" -> stringList(op.get("channels"), true);
			case "ack" -> string(op.get("channel"), true) && cursor(op.get("cursor"), true);
			case "goodbye" -> string(op.get("reason"), false) && cursor(op.get("code"), false);
			case "features" -> stringList(op.get("supported"), false) && stringList(op.get("requested"), false);
			case "relay" -> string(op.get("to"), true) && string(op.get("channel"), true);
			default -> true;
		};
		if (!valid) {
			return Expected.error(BAD);
		}
		return switch (type.stringValue()) {
			case "ping" -> Expected.of(Kind.PONG);
			case "pong" -> Expected.of(Kind.NOTHING);
			case "unsubscribe" -> Expected.of(Kind.UNSUBSCRIBED);
			case "features" -> Expected.of(Kind.FEATURES);
			case "relay" -> Expected.error("no_handler");
			// Never sent on long-lived connections; a mutation that makes one is dropped.
			case "goodbye" -> Expected.close(1000, "normal");
			default -> Expected.lenient(0);
		};
	}

	private static boolean absent(JsonNode value) {
		return value == null || value.isNull();
	}

	private static boolean string(JsonNode value, boolean required) {
		return absent(value) ? !required : value.isString();
	}

	private static boolean cursor(JsonNode value, boolean required) {
		if (absent(value)) {
			return !required;
		}
		return value.isIntegralNumber() && value.canConvertToLong() && value.longValue() >= 0
				&& value.longValue() <= MAX_CURSOR;
	}

	private static boolean stringList(JsonNode value, boolean required) {
		if (absent(value)) {
			return !required;
		}
		if (!value.isArray()) {
			return false;
		}
		for (JsonNode element : value.values()) {
			if (!element.isString()) {
				return false;
			}
		}
		return true;
	}

	private static boolean cursorMap(JsonNode value) {
		if (absent(value)) {
			return true;
		}
		if (!value.isObject()) {
			return false;
		}
		for (JsonNode element : value.values()) {
			if (!absent(element) && !cursor(element, true)) {
				return false;
			}
		}
		return true;
	}

	private static boolean stringMap(JsonNode value) {
		if (absent(value)) {
			return true;
		}
		if (!value.isObject()) {
			return false;
		}
		for (JsonNode element : value.values()) {
			if (!absent(element) && !element.isString()) {
				return false;
			}
		}
		return true;
	}

	private static int depth(JsonNode node) {
		if (!node.isContainer()) {
			return 0;
		}
		int deepest = 0;
		for (JsonNode child : node.values()) {
			deepest = Math.max(deepest, depth(child));
		}
		return deepest + 1;
	}

	private static String frame(String channel, String payload) {
		String quoted = channel.startsWith("\"") ? channel : "\"" + channel + "\"";
		return "{\"channel\":" + quoted + ",\"payload\":" + payload + "}";
	}

	private String poolChannel() {
		return this.pool.get(this.random.nextInt(this.pool.size()));
	}

	private String word() {
		int length = 1 + this.random.nextInt(10);
		StringBuilder word = new StringBuilder();
		for (int i = 0; i < length; i++) {
			word.append((char) ('a' + this.random.nextInt(26)));
		}
		return word.toString();
	}

	private String value() {
		return pick("1", "null", "\"x\"", "[1,2]", "{\"a\":{}}", "-1.5", "true", "1e400");
	}

	@SafeVarargs
	private <T> T pick(T... values) {
		return values[this.random.nextInt(values.length)];
	}

	enum Category {

		NOT_JSON, TRUNCATED_JSON, NON_OBJECT, NO_TYPE_OR_CHANNEL, UNKNOWN_TYPE, SERVER_ONLY_OP, SECOND_AUTH,
		WRONG_VALUE_TYPE, BAD_FRAME_FIELD, DEEP_NESTING, INVALID_CHANNEL, UNKNOWN_KIND, NO_HANDLER, FORBIDDEN,
		HANDLER_FAILURE, BAD_ACK, VALID, MUTATED, BINARY, FRAGMENTED, WS_PING, OVERSIZED, FRAGMENTED_OVERSIZED,
		INVALID_UTF8, GOODBYE, BEFORE_AUTH;

		boolean closes() {
			return this == OVERSIZED || this == FRAGMENTED_OVERSIZED || this == INVALID_UTF8 || this == GOODBYE
					|| this == BEFORE_AUTH;
		}

	}

	enum Kind {

		/** Exactly one {@code error} with one of the codes. */
		ERROR,
		/** No op at all (frames may arrive). */
		NOTHING,
		/** Exactly one {@code pong}. */
		PONG,
		/**
		 * {@code errors} errors with one of the codes, any {@code resume_required}, then
		 * {@code subscribed}.
		 */
		SUBSCRIBED,
		/** Exactly one {@code unsubscribed}. */
		UNSUBSCRIBED,
		/** Exactly one {@code features}. */
		FEATURES,
		/** Any reaction a valid client op can get, with exactly {@code pongs} pongs. */
		LENIENT,
		/**
		 * The connection closes with {@code closeCode}, after a {@code goodbye} with
		 * {@code reason}.
		 */
		CLOSE

	}

	record Expected(Kind kind, Set<String> codes, int errors, int pongs, int closeCode, String reason) {

		static Expected error(String... codes) {
			return new Expected(Kind.ERROR, Set.of(codes), 1, 0, 0, "");
		}

		static Expected subscribed(int errors, String... codes) {
			return new Expected(Kind.SUBSCRIBED, Set.of(codes), errors, 0, 0, "");
		}

		static Expected of(Kind kind) {
			return new Expected(kind, Set.of(), 0, (kind == Kind.PONG) ? 1 : 0, 0, "");
		}

		static Expected lenient(int pongs) {
			return new Expected(Kind.LENIENT, Set.of(), 0, pongs, 0, "");
		}

		static Expected close(int code, String reason) {
			return new Expected(Kind.CLOSE, Set.of(), 0, 0, code, reason);
		}

	}

	enum Form {

		TEXT, BINARY, PING

	}

	/**
	 * A message to send.
	 *
	 * @param category what it tests
	 * @param bytes the payload
	 * @param form the WebSocket message type
	 * @param fragments where a text message is cut into fragments (byte offsets), empty
	 * for one frame
	 * @param expected the reaction the protocol prescribes
	 */
	record Message(Category category, byte[] bytes, Form form, int[] fragments, Expected expected) {

		static Message text(Category category, String text, Expected expected) {
			return new Message(category, text.getBytes(StandardCharsets.UTF_8), Form.TEXT, new int[0], expected);
		}

		String describe() {
			String shown = (this.form != Form.TEXT)
					? this.form + " " + HexFormat.of().formatHex(this.bytes, 0, Math.min(this.bytes.length, 64))
					: new String(this.bytes, StandardCharsets.UTF_8);
			if (this.fragments.length > 0) {
				shown = "in fragments cut at " + Arrays.toString(this.fragments) + ": " + shown;
			}
			if (shown.length() > 300) {
				shown = shown.substring(0, 300) + "...(" + this.bytes.length + " bytes)";
			}
			return this.category + " " + shown;
		}

	}

}

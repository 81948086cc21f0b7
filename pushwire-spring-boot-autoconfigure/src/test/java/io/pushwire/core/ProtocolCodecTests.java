package io.pushwire.core;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ProtocolCodec}.
 */
class ProtocolCodecTests {

	private static final String CLIENT_ID = "6b1f0c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b";

	private static final String PEER_ID = "0f9e8d7c-6b5a-4c3d-9e2f-1a0b9c8d7e6f";

	private final ProtocolCodec codec = new ProtocolCodec();

	static Stream<Arguments> clientOps() {
		return Stream.of(
				Arguments.arguments(
						new SystemOp.Auth(CLIENT_ID, "s3cr3t", List.of("chat:room-42"), Map.of("chat:room-42", 17L),
								Map.of("chat:room-42", "Xb3k"), 5L),
						"{\"type\":\"auth\",\"client_id\":\"" + CLIENT_ID + "\",\"token\":\"s3cr3t\","
								+ "\"capabilities\":[\"chat:room-42\"],\"resume_cursors\":{\"chat:room-42\":17},"
								+ "\"resume_epochs\":{\"chat:room-42\":\"Xb3k\"},\"resume_cursor\":5}"),
				Arguments.arguments(new SystemOp.Subscribe(List.of("news"), Map.of("news", 3L), Map.of("news", "Q1pz")),
						"{\"type\":\"subscribe\",\"channels\":[\"news\"],\"cursors\":{\"news\":3},"
								+ "\"epochs\":{\"news\":\"Q1pz\"}}"),
				Arguments.arguments(new SystemOp.Unsubscribe(List.of("news", "chat:room-42")),
						"{\"type\":\"unsubscribe\",\"channels\":[\"news\",\"chat:room-42\"]}"),
				Arguments.arguments(new SystemOp.Ack("chat:room-42", 17),
						"{\"type\":\"ack\",\"channel\":\"chat:room-42\",\"cursor\":17}"),
				Arguments.arguments(
						new SystemOp.Auth(CLIENT_ID, null, List.of("chat:lobby"), Map.of(), Map.of(), null, "s3cr3t"),
						"{\"type\":\"auth\",\"client_id\":\"" + CLIENT_ID + "\",\"capabilities\":[\"chat:lobby\"],"
								+ "\"resume_cursors\":{},\"resume_epochs\":{},\"session_secret\":\"s3cr3t\"}"),
				Arguments.arguments(new SystemOp.Refresh("eyJ.new"), "{\"type\":\"refresh\",\"token\":\"eyJ.new\"}"),
				Arguments.arguments(new SystemOp.Presence("chat:room-42"),
						"{\"type\":\"presence\",\"channel\":\"chat:room-42\"}"),
				Arguments.arguments(new SystemOp.Relay(PEER_ID, "rtc:room-1", object("hello", "world")),
						"{\"type\":\"relay\",\"to\":\"" + PEER_ID
								+ "\",\"channel\":\"rtc:room-1\",\"payload\":{\"hello\":\"world\"}}"));
	}

	static Stream<Arguments> serverOps() {
		return Stream.of(
				Arguments.arguments(
						new SystemOp.AuthOk(CLIENT_ID, Map.of("chat:room-42", 16L), Map.of("chat:room-42", 17L),
								Map.of("chat:room-42", "Xb3k"), 25000, List.of("resume", "acks")),
						"{\"type\":\"auth_ok\",\"client_id\":\"" + CLIENT_ID + "\","
								+ "\"resume_cursors\":{\"chat:room-42\":16},\"heads\":{\"chat:room-42\":17},"
								+ "\"epochs\":{\"chat:room-42\":\"Xb3k\"},\"heartbeat_ms\":25000,"
								+ "\"features\":[\"resume\",\"acks\"]}"),
				Arguments.arguments(new SystemOp.AuthOk(CLIENT_ID, Map.of(), Map.of(), Map.of(), 25000, List
					.of(), 1767225600000L, "s3cr3t"), "{\"type\":\"auth_ok\",\"client_id\":\"" + CLIENT_ID
							+ "\",\"resume_cursors\":{},\"heads\":{},"
							+ "\"epochs\":{},\"heartbeat_ms\":25000,\"features\":[],\"expires_at_ms\":1767225600000,"
							+ "\"session_secret\":\"s3cr3t\"}"),
				Arguments.arguments(new SystemOp.Refreshed(1767225600000L),
						"{\"type\":\"refreshed\",\"expires_at_ms\":1767225600000}"),
				Arguments.arguments(new SystemOp.Refreshed(null), "{\"type\":\"refreshed\"}"),
				Arguments.arguments(
						new SystemOp.PresenceList("chat:room-42",
								List.of(new SystemOp.PresenceEntry(CLIENT_ID, "alice"))),
						"{\"type\":\"presence_list\",\"channel\":\"chat:room-42\",\"clients\":[{\"client_id\":\""
								+ CLIENT_ID + "\",\"user\":\"alice\"}]}"),
				Arguments.arguments(new SystemOp.PresenceList("chat:room-42", List.of()),
						"{\"type\":\"presence_list\",\"channel\":\"chat:room-42\",\"clients\":[]}"),
				Arguments.arguments(new SystemOp.Join("chat:room-42", CLIENT_ID, "alice"),
						"{\"type\":\"join\",\"channel\":\"chat:room-42\",\"client_id\":\"" + CLIENT_ID
								+ "\",\"user\":\"alice\"}"),
				Arguments.arguments(new SystemOp.Leave("chat:room-42", CLIENT_ID, "alice"),
						"{\"type\":\"leave\",\"channel\":\"chat:room-42\",\"client_id\":\"" + CLIENT_ID
								+ "\",\"user\":\"alice\"}"),
				Arguments.arguments(
						new SystemOp.Subscribed(List.of("news"), Map.of("news", 5L), Map.of("news", "Q1pz")),
						"{\"type\":\"subscribed\",\"channels\":[\"news\"],\"heads\":{\"news\":5},"
								+ "\"epochs\":{\"news\":\"Q1pz\"}}"),
				Arguments.arguments(new SystemOp.Unsubscribed(List.of("news")),
						"{\"type\":\"unsubscribed\",\"channels\":[\"news\"]}"),
				Arguments.arguments(new SystemOp.ResumeRequired("chat:room-42", 3, "Q1pz"),
						"{\"type\":\"resume_required\",\"channel\":\"chat:room-42\",\"from_cursor\":3,"
								+ "\"epoch\":\"Q1pz\"}"),
				Arguments.arguments(new SystemOp.Slow(524288L), "{\"type\":\"slow\",\"window\":524288}"),
				Arguments.arguments(new SystemOp.Slow(null), "{\"type\":\"slow\"}"),
				Arguments.arguments(
						new SystemOp.Error("forbidden", "You may not subscribe to 'chat:room-42'", "chat:room-42"),
						"{\"type\":\"error\",\"code\":\"forbidden\","
								+ "\"message\":\"You may not subscribe to 'chat:room-42'\","
								+ "\"channel\":\"chat:room-42\"}"),
				Arguments.arguments(new SystemOp.Error("bad_message", "Not a valid JSON message", null),
						"{\"type\":\"error\",\"code\":\"bad_message\",\"message\":\"Not a valid JSON message\"}"),
				Arguments.arguments(new SystemOp.Health("degraded", "storage is slow"),
						"{\"type\":\"health\",\"status\":\"degraded\",\"detail\":\"storage is slow\"}"),
				Arguments.arguments(new SystemOp.Health("ok", null), "{\"type\":\"health\",\"status\":\"ok\"}"),
				Arguments.arguments(new SystemOp.ModeSwitch(PEER_ID, "relay", "p2p", "path_degraded", 3),
						"{\"type\":\"mode_switch\",\"peer_id\":\"" + PEER_ID + "\",\"mode\":\"relay\","
								+ "\"previous_mode\":\"p2p\",\"reason\":\"path_degraded\",\"generation\":3}"));
	}

	static Stream<Arguments> sharedOps() {
		return Stream.of(Arguments.arguments(new SystemOp.Ping(), "{\"type\":\"ping\"}"),
				Arguments.arguments(new SystemOp.Pong(), "{\"type\":\"pong\"}"),
				Arguments.arguments(new SystemOp.Goodbye("shutdown", 1001),
						"{\"type\":\"goodbye\",\"reason\":\"shutdown\",\"code\":1001}"),
				Arguments.arguments(new SystemOp.Goodbye(null, null), "{\"type\":\"goodbye\"}"),
				Arguments.arguments(new SystemOp.Features(List.of("resume", "zstd"), List.of("zstd")),
						"{\"type\":\"features\",\"supported\":[\"resume\",\"zstd\"],\"requested\":[\"zstd\"]}"));
	}

	static Stream<Arguments> frames() {
		return Stream.of(
				Arguments.arguments(new Frame("chat:room-42", 17L, object("text", "hi"), CLIENT_ID),
						"{\"channel\":\"chat:room-42\",\"cursor\":17,\"payload\":{\"text\":\"hi\"},\"client_id\":\""
								+ CLIENT_ID + "\"}"),
				Arguments.arguments(new Frame("chat:room-42", 17L, object("text", "hi"), null),
						"{\"channel\":\"chat:room-42\",\"cursor\":17,\"payload\":{\"text\":\"hi\"}}"),
				Arguments.arguments(new Frame("chat:room-42", null, object("text", "hi"), CLIENT_ID),
						"{\"channel\":\"chat:room-42\",\"payload\":{\"text\":\"hi\"},\"client_id\":\"" + CLIENT_ID
								+ "\"}"),
				Arguments.arguments(Frame.of("chat:room-42", object("text", "hi")),
						"{\"channel\":\"chat:room-42\",\"payload\":{\"text\":\"hi\"}}"),
				Arguments.arguments(
						new Frame("news", Cursors.MAX_CURSOR, JsonNodeFactory.instance.stringNode("x"), null),
						"{\"channel\":\"news\",\"cursor\":9007199254740991,\"payload\":\"x\"}"),
				Arguments.arguments(Frame.of("news", JsonNodeFactory.instance.arrayNode().add(1).add("a").addNull()),
						"{\"channel\":\"news\",\"payload\":[1,\"a\",null]}"),
				Arguments.arguments(Frame.of("news", JsonNodeFactory.instance.numberNode(1.5)),
						"{\"channel\":\"news\",\"payload\":1.5}"),
				Arguments.arguments(Frame.of("news", object("text", "caf\u00e9 \u2603 \"quoted\"\n")),
						"{\"channel\":\"news\",\"payload\":{\"text\":\"caf\u00e9 \u2603 \\\"quoted\\\"\\n\"}}"),
				Arguments.arguments(new Frame("news", 1L, null, null), "{\"channel\":\"news\",\"cursor\":1}"));
	}

	static Stream<Arguments> allOps() {
		return Stream.of(clientOps(), serverOps(), sharedOps()).flatMap((stream) -> stream);
	}

	static Stream<Arguments> allMessages() {
		return Stream.concat(allOps(), frames());
	}

	@ParameterizedTest
	@MethodSource("allMessages")
	void encodesToExactJson(PushMessage message, String json) {
		assertThat(this.codec.encode(message)).isEqualTo(json);
		assertThat(this.codec.encodeToUtf8(message)).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
	}

	@ParameterizedTest
	@MethodSource("allMessages")
	void decodesFromJson(PushMessage message, String json) {
		assertThat(this.codec.decode(json)).isEqualTo(message);
		assertThat(this.codec.decode(this.codec.mapper().readTree(json))).isEqualTo(message);
	}

	@ParameterizedTest
	@MethodSource("allMessages")
	void roundTripsThroughEncodeAndDecode(PushMessage message, String json) {
		assertThat(this.codec.decode(this.codec.encode(message))).isEqualTo(message);
		assertThat(this.codec.encode(this.codec.decode(json))).isEqualTo(json);
	}

	@ParameterizedTest
	@MethodSource({ "clientOps", "sharedOps", "frames" })
	void decodesWhatClientsSendFromClient(PushMessage message, String json) {
		assertThat(this.codec.decodeFromClient(json)).isEqualTo(message);
	}

	@ParameterizedTest
	@MethodSource({ "serverOps", "sharedOps", "frames" })
	void decodesWhatServersSendFromServer(PushMessage message, String json) {
		assertThat(this.codec.decodeFromServer(json)).isEqualTo(message);
	}

	@ParameterizedTest
	@MethodSource("serverOps")
	void refusesServerOnlyOpFromClient(SystemOp op, String json) {
		assertThat(op.sentByServer()).isTrue();
		assertThat(op.sentByClient()).isFalse();
		assertBadMessage(() -> this.codec.decodeFromClient(json)).withMessageContaining(op.type());
		assertBadMessage(() -> this.codec.decodeFromClient("{\"channel\":\"system\",\"payload\":" + json + "}"));
	}

	@ParameterizedTest
	@MethodSource("clientOps")
	void refusesClientOnlyOpFromServer(SystemOp op, String json) {
		assertThat(op.sentByClient()).isTrue();
		assertThat(op.sentByServer()).isFalse();
		assertBadMessage(() -> this.codec.decodeFromServer(json)).withMessageContaining(op.type());
		assertBadMessage(() -> this.codec.decodeFromServer("{\"channel\":\"system\",\"payload\":" + json + "}"));
	}

	@ParameterizedTest
	@MethodSource("sharedOps")
	void opsThatTravelBothWaysAreSentByBoth(SystemOp op, String json) {
		assertThat(op.sentByClient()).isTrue();
		assertThat(op.sentByServer()).isTrue();
	}

	@Test
	void opTypesAreThoseOfProtocol() {
		assertThat(allOps().map((arguments) -> ((SystemOp) arguments.get()[0]).type()).distinct())
			.containsExactlyInAnyOrder("auth", "auth_ok", "subscribe", "subscribed", "unsubscribe", "unsubscribed",
					"ack", "resume_required", "ping", "pong", "slow", "error", "goodbye", "features", "health", "relay",
					"mode_switch", "refresh", "refreshed", "presence", "presence_list", "join", "leave");
		assertThat(SystemOp.class.getPermittedSubclasses()).hasSize(23);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"type\":\"presence_list\",\"channel\":\"c\",\"clients\":{}}",
			"{\"type\":\"presence_list\",\"channel\":\"c\",\"clients\":[\"x\"]}",
			"{\"type\":\"presence_list\",\"channel\":\"c\",\"clients\":[{\"user\":\"alice\"}]}",
			"{\"type\":\"presence\"}", "{\"type\":\"join\",\"channel\":\"c\"}" })
	void refusesMalformedPresenceOps(String json) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.codec.decode(json))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE));
	}

	@Test
	void encodesMapsWithSeveralEntries() {
		SystemOp.Auth auth = new SystemOp.Auth(null, null, List.of("chat:room-42", "news"),
				Map.of("chat:room-42", 17L, "news", 3L), Map.of("chat:room-42", "Xb3k", "news", "Q1pz"), null);
		String json = this.codec.encode(auth);
		assertThat(this.codec.mapper().readTree(json)).isEqualTo(this.codec.mapper()
			.readTree("{\"type\":\"auth\",\"capabilities\":[\"chat:room-42\",\"news\"],"
					+ "\"resume_cursors\":{\"chat:room-42\":17,\"news\":3},"
					+ "\"resume_epochs\":{\"chat:room-42\":\"Xb3k\",\"news\":\"Q1pz\"}}"));
		assertThat(this.codec.decode(json)).isEqualTo(auth);
	}

	@Test
	void leavesOutNullKeysOfAuth() {
		JsonNode json = this.codec.mapper()
			.readTree(this.codec.encode(new SystemOp.Auth(null, null, List.of("chat"), Map.of(), Map.of(), null)));
		assertThat(json.get("type").stringValue()).isEqualTo("auth");
		assertThat(json.has("client_id")).isFalse();
		assertThat(json.has("token")).isFalse();
		assertThat(json.has("resume_cursor")).isFalse();
		assertThat(json.get("capabilities")).hasSize(1);
	}

	@Test
	void encodesNoNullValues() {
		Stream
			.concat(allMessages().map((arguments) -> (PushMessage) arguments.get()[0]),
					Stream.of(new SystemOp.Auth(null, null, List.of(), Map.of(), Map.of(), null),
							new SystemOp.Relay(PEER_ID, "rtc:room-1", null), new Frame("chat", null, null, null)))
			.forEach((message) -> assertThat(this.codec.encode(message)).doesNotContain(":null"));
	}

	@Test
	void encodesRelayWithoutPayloadAndDecodesItBack() {
		SystemOp.Relay relay = new SystemOp.Relay(PEER_ID, "rtc:room-1", null);
		String json = this.codec.encode(relay);
		assertThat(json).isEqualTo("{\"type\":\"relay\",\"to\":\"" + PEER_ID + "\",\"channel\":\"rtc:room-1\"}");
		assertThat(this.codec.decode(json)).isEqualTo(relay);
	}

	@Test
	void encodesUtf8() {
		byte[] bytes = this.codec.encodeToUtf8(Frame.of("news", object("text", "caf\u00e9 \uD83D\uDE00")));
		assertThat(bytes).isEqualTo("{\"channel\":\"news\",\"payload\":{\"text\":\"caf\u00e9 \uD83D\uDE00\"}}"
			.getBytes(StandardCharsets.UTF_8));
		assertThat(bytes).contains((byte) 0xC3, (byte) 0xA9, (byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80);
	}

	@Test
	void encodesGoodbyeOfCloseReason() {
		assertThat(this.codec.encode(SystemOp.Goodbye.of(CloseReason.SLOW_CONSUMER)))
			.isEqualTo("{\"type\":\"goodbye\",\"reason\":\"slow_consumer\",\"code\":4008}");
	}

	@Test
	void decodesFrameWithoutPayloadAsJsonNull() {
		Frame frame = (Frame) this.codec.decode("{\"channel\":\"chat\"}");
		assertThat(frame.payload()).isEqualTo(NullNode.getInstance());
		assertThat(frame.cursor()).isNull();
		assertThat(frame.clientId()).isNull();
	}

	@Test
	void decodesFrameWithCursorOne() {
		assertThat(this.codec.decode("{\"channel\":\"chat\",\"cursor\":1,\"payload\":{}}"))
			.isEqualTo(new Frame("chat", 1L, JsonNodeFactory.instance.objectNode(), null));
	}

	@Test
	void decodesFrameWithPayloadNested60Levels() {
		String json = "{\"channel\":\"chat\",\"payload\":" + nested(60) + "}";
		Frame frame = (Frame) this.codec.decode(json);
		assertThat(depth(frame.payload())).isEqualTo(60);
		assertThat(this.codec.encode(frame)).isEqualTo(json);
	}

	@Test
	void acceptsNestingOf64Levels() {
		String json = "{\"channel\":\"chat\",\"payload\":" + nested(63) + "}";
		assertThat(this.codec.decode(json)).isInstanceOf(Frame.class);
		String arrays = "{\"channel\":\"chat\",\"payload\":" + "[".repeat(63) + "]".repeat(63) + "}";
		assertThat(this.codec.decode(arrays)).isInstanceOf(Frame.class);
	}

	@Test
	void refusesNestingDeeperThan64Levels() {
		assertBadMessage(() -> this.codec.decode("{\"channel\":\"chat\",\"payload\":" + nested(64) + "}"));
		assertBadMessage(
				() -> this.codec.decode("{\"channel\":\"chat\",\"payload\":" + "[".repeat(64) + "]".repeat(64) + "}"));
		assertBadMessage(() -> this.codec.decode("{\"type\":\"ping\",\"x\":" + nested(64) + "}"));
		assertBadMessage(() -> this.codec.decode("[".repeat(100_000) + "]".repeat(100_000)));
		assertBadMessage(() -> this.codec.decode("{\"channel\":\"chat\",\"payload\":" + "[".repeat(100_000)));
	}

	// §3: the compatibility form

	@Test
	void decodesOpCarriedByFrameOnSystemChannel() {
		assertThat(this.codec.decode("{\"channel\":\"system\",\"payload\":{\"type\":\"ping\"}}"))
			.isEqualTo(new SystemOp.Ping());
		assertThat(this.codec.decodeFromClient("{\"channel\":\"system\",\"payload\":{\"type\":\"ping\"}}"))
			.isEqualTo(new SystemOp.Ping());
		assertThat(this.codec.decodeFromServer("{\"channel\":\"system\",\"payload\":{\"type\":\"ping\"}}"))
			.isEqualTo(new SystemOp.Ping());
	}

	@ParameterizedTest
	@MethodSource("allOps")
	void decodesEveryOpInCompatibilityForm(SystemOp op, String json) {
		assertThat(this.codec.decode("{\"channel\":\"system\",\"cursor\":4,\"payload\":" + json + "}")).isEqualTo(op);
	}

	@Test
	void encodesOpInBareForm() {
		assertThat(this.codec.encode(new SystemOp.Ping())).isEqualTo("{\"type\":\"ping\"}");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"channel\":\"system\"}", "{\"channel\":\"system\",\"payload\":null}",
			"{\"channel\":\"system\",\"payload\":\"ping\"}",
			"{\"channel\":\"system\",\"payload\":[{\"type\":\"ping\"}]}",
			"{\"channel\":\"system\",\"payload\":{\"text\":\"hi\"}}",
			"{\"channel\":\"system\",\"payload\":{\"type\":\"nope\"}}",
			"{\"channel\":\"system\",\"payload\":{\"type\":7}}" })
	void refusesFrameOnSystemChannelWithoutOp(String json) {
		assertBadMessage(() -> this.codec.decode(json));
	}

	// §3: tolerant decoding

	@Test
	void ignoresUnknownKeys() {
		assertThat(this.codec.decode("{\"type\":\"ack\",\"v\":2,\"channel\":\"chat\",\"cursor\":3,"
				+ "\"extra\":{\"deep\":[1,{\"type\":\"x\"}]},\"flag\":true,\"n\":null}"))
			.isEqualTo(new SystemOp.Ack("chat", 3));
		assertThat(this.codec.decode("{\"type\":\"ping\",\"id\":\"abc\"}")).isEqualTo(new SystemOp.Ping());
		assertThat(this.codec.decode("{\"channel\":\"chat\",\"cursor\":2,\"payload\":1,\"priority\":0,\"ts\":1.5}"))
			.isEqualTo(new Frame("chat", 2L, JsonNodeFactory.instance.numberNode(1), null));
		assertThat(this.codec.decode(
				"{\"type\":\"auth_ok\",\"client_id\":\"" + CLIENT_ID + "\",\"heartbeat_ms\":25000,\"server\":\"x\"}"))
			.isEqualTo(new SystemOp.AuthOk(CLIENT_ID, Map.of(), Map.of(), Map.of(), 25000, List.of()));
	}

	@Test
	void decodesMessageWithTypeAsOpWhateverElseItHas() {
		assertThat(this.codec.decode("{\"channel\":\"chat\",\"cursor\":3,\"payload\":{},\"type\":\"pong\"}"))
			.isEqualTo(new SystemOp.Pong());
	}

	@Test
	void treatsNullLikeMissingKeyInAuth() {
		SystemOp expected = new SystemOp.Auth(null, null, List.of("chat"), Map.of(), Map.of(), null);
		assertThat(this.codec.decode("{\"type\":\"auth\",\"capabilities\":[\"chat\"]}")).isEqualTo(expected);
		assertThat(this.codec.decode("{\"type\":\"auth\",\"client_id\":null,\"token\":null,"
				+ "\"capabilities\":[\"chat\"],\"resume_cursors\":null,\"resume_epochs\":null,\"resume_cursor\":null}"))
			.isEqualTo(expected);
		assertThat(this.codec.decode("{\"type\":\"auth\",\"capabilities\":[\"chat\"],"
				+ "\"resume_cursors\":{\"chat\":null},\"resume_epochs\":{\"chat\":null}}"))
			.isEqualTo(expected);
	}

	@Test
	void treatsNullLikeMissingKeyInFrame() {
		assertThat(this.codec.decode("{\"channel\":\"chat\",\"cursor\":null,\"payload\":null,\"client_id\":null}"))
			.isEqualTo(new Frame("chat", null, null, null));
	}

	@Test
	void treatsNullLikeMissingKeyInOps() {
		assertThat(this.codec.decode("{\"type\":\"subscribe\",\"channels\":[\"a\"],\"cursors\":null,\"epochs\":null}"))
			.isEqualTo(new SystemOp.Subscribe(List.of("a"), Map.of(), Map.of()));
		assertThat(this.codec.decode("{\"type\":\"slow\",\"window\":null}")).isEqualTo(new SystemOp.Slow(null));
		assertThat(this.codec.decode("{\"type\":\"error\",\"code\":\"internal\",\"message\":\"m\",\"channel\":null}"))
			.isEqualTo(new SystemOp.Error("internal", "m", null));
		assertThat(this.codec.decode("{\"type\":\"goodbye\",\"reason\":null,\"code\":null}"))
			.isEqualTo(new SystemOp.Goodbye(null, null));
		assertThat(this.codec.decode("{\"type\":\"health\",\"status\":\"ok\",\"detail\":null}"))
			.isEqualTo(new SystemOp.Health("ok", null));
		assertThat(this.codec.decode("{\"type\":\"features\",\"supported\":null,\"requested\":null}"))
			.isEqualTo(new SystemOp.Features(List.of(), List.of()));
		assertThat(this.codec
			.decode("{\"type\":\"relay\",\"to\":\"" + PEER_ID + "\",\"channel\":\"rtc:x\"," + "\"payload\":null}"))
			.isEqualTo(new SystemOp.Relay(PEER_ID, "rtc:x", null));
	}

	@Test
	void acceptsWhitespaceAroundMessage() {
		assertThat(this.codec.decode(" \n\t{ \"type\" : \"ping\" }\r\n ")).isEqualTo(new SystemOp.Ping());
	}

	@Test
	void acceptsLargestCursor() {
		assertThat(this.codec.decode("{\"type\":\"ack\",\"channel\":\"chat\",\"cursor\":9007199254740991}"))
			.isEqualTo(new SystemOp.Ack("chat", Cursors.MAX_CURSOR));
		assertThat(this.codec.decode("{\"type\":\"ack\",\"channel\":\"chat\",\"cursor\":0}"))
			.isEqualTo(new SystemOp.Ack("chat", 0));
	}

	// §3: bad_message

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "hello", "{", "}", "{\"type\":\"ping\"", "{'type':'ping'}", "{type:\"ping\"}",
			"{\"type\":\"ping\",}", "{\"type\":\"ping\" \"x\":1}", "{\"channel\":\"chat\",\"payload\":NaN}",
			"{\"channel\":\"chat\",\"payload\":undefined}", "{\"channel\":\"chat\",\"payload\":01}",
			"{\"type\":\"ping\"} // comment", "/* c */ {\"type\":\"ping\"}", "\u0000" })
	void refusesTextThatIsNotJson(String text) {
		assertBadMessage(() -> this.codec.decode(text));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"type\":\"ping\"} x", "{\"type\":\"ping\"}{}", "{\"type\":\"ping\"}{\"type\":\"pong\"}",
			"{\"type\":\"ping\"}\n{\"type\":\"pong\"}", "{\"type\":\"ping\"}]", "{\"type\":\"ping\"}}",
			"{\"type\":\"ping\"},", "{\"type\":\"ping\"} 1", "{\"type\":\"ping\"}null", "{\"channel\":\"a\"}\"x\"" })
	void refusesTextAfterJsonValue(String text) {
		assertBadMessage(() -> this.codec.decode(text));
	}

	@ParameterizedTest
	@ValueSource(strings = { "[]", "[{\"type\":\"ping\"}]", "\"ping\"", "\"{\\\"type\\\":\\\"ping\\\"}\"", "42", "-1.5",
			"1e30", "true", "false", "null" })
	void refusesJsonThatIsNotObject(String text) {
		assertBadMessage(() -> this.codec.decode(text)).withMessageContaining("object");
	}

	@Test
	void refusesMissingTree() {
		assertBadMessage(() -> this.codec.decode((JsonNode) null));
		assertBadMessage(() -> this.codec.decode(JsonNodeFactory.instance.arrayNode()));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{}", "{\"payload\":{\"text\":\"hi\"}}", "{\"cursor\":1}", "{\"Type\":\"ping\"}",
			"{\"Channel\":\"chat\"}", "{\"kind\":\"chat\"}" })
	void refusesObjectWithNeitherTypeNorChannel(String text) {
		assertBadMessage(() -> this.codec.decode(text));
	}

	@ParameterizedTest
	@ValueSource(strings = { "pingg", "PING", "Ping", "", " ping", "auth-ok", "authOk", "frame", "hello", "system" })
	void refusesUnknownType(String type) {
		assertBadMessage(() -> this.codec.decode("{\"type\":\"" + type + "\"}"));
		assertBadMessage(() -> this.codec.decode("{\"type\":\"" + type + "\",\"channel\":\"chat\",\"payload\":1}"));
	}

	@Test
	void abbreviatesLongUnknownTypeInMessage() {
		assertBadMessage(() -> this.codec.decode("{\"type\":\"" + "x".repeat(10_000) + "\"}"))
			.satisfies((ex) -> assertThat(ex.getMessage()).hasSizeLessThan(200));
	}

	@ParameterizedTest
	@ValueSource(strings = { "1", "0", "true", "[\"ping\"]", "{\"name\":\"ping\"}", "null" })
	void refusesTypeThatIsNotString(String type) {
		assertBadMessage(() -> this.codec.decode("{\"type\":" + type + "}"));
	}

	@ParameterizedTest
	@ValueSource(strings = {
			// auth
			"{\"type\":\"auth\",\"capabilities\":\"chat\"}", "{\"type\":\"auth\",\"capabilities\":{\"chat\":1}}",
			"{\"type\":\"auth\",\"capabilities\":[1]}", "{\"type\":\"auth\",\"capabilities\":[null]}",
			"{\"type\":\"auth\",\"capabilities\":[[\"chat\"]]}", "{\"type\":\"auth\",\"capabilities\":true}",
			"{\"type\":\"auth\",\"client_id\":42,\"capabilities\":[]}",
			"{\"type\":\"auth\",\"token\":{\"jwt\":\"x\"},\"capabilities\":[]}",
			"{\"type\":\"auth\",\"capabilities\":[],\"resume_cursors\":[17]}",
			"{\"type\":\"auth\",\"capabilities\":[],\"resume_cursors\":{\"chat\":\"17\"}}",
			"{\"type\":\"auth\",\"capabilities\":[],\"resume_cursors\":17}",
			"{\"type\":\"auth\",\"capabilities\":[],\"resume_epochs\":{\"chat\":7}}",
			"{\"type\":\"auth\",\"capabilities\":[],\"resume_epochs\":[\"x\"]}",
			"{\"type\":\"auth\",\"capabilities\":[],\"resume_cursor\":\"3\"}",
			// auth_ok
			"{\"type\":\"auth_ok\",\"client_id\":1}",
			"{\"type\":\"auth_ok\",\"client_id\":\"c\",\"heartbeat_ms\":\"25000\"}",
			"{\"type\":\"auth_ok\",\"client_id\":\"c\",\"heads\":{\"chat\":true}}",
			"{\"type\":\"auth_ok\",\"client_id\":\"c\",\"features\":\"resume\"}",
			// subscribe, unsubscribe
			"{\"type\":\"subscribe\",\"channels\":\"chat\"}",
			"{\"type\":\"subscribe\",\"channels\":[\"a\"],\"cursors\":[1]}",
			"{\"type\":\"subscribe\",\"channels\":[\"a\"],\"epochs\":{\"a\":[]}}",
			"{\"type\":\"unsubscribe\",\"channels\":{\"a\":true}}", "{\"type\":\"unsubscribed\",\"channels\":1}",
			// others
			"{\"type\":\"ack\",\"channel\":7,\"cursor\":1}", "{\"type\":\"error\",\"code\":400,\"message\":\"m\"}",
			"{\"type\":\"error\",\"code\":\"internal\",\"message\":[]}", "{\"type\":\"goodbye\",\"reason\":1000}",
			"{\"type\":\"goodbye\",\"code\":\"1000\"}", "{\"type\":\"health\",\"status\":{}}",
			"{\"type\":\"relay\",\"to\":[],\"channel\":\"rtc:x\"}", "{\"type\":\"slow\",\"window\":\"big\"}",
			"{\"type\":\"mode_switch\",\"peer_id\":\"p\",\"mode\":\"relay\",\"generation\":\"3\"}",
			// frames
			"{\"channel\":7}", "{\"channel\":[\"chat\"]}", "{\"channel\":{}}", "{\"channel\":null,\"payload\":1}",
			"{\"channel\":\"chat\",\"client_id\":7}", "{\"channel\":\"chat\",\"client_id\":{}}" })
	void refusesWrongValueTypes(String json) {
		assertBadMessage(() -> this.codec.decode(json));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"type\":\"ack\",\"channel\":\"chat\"}", "{\"type\":\"ack\",\"cursor\":1}",
			"{\"type\":\"ack\",\"channel\":null,\"cursor\":1}", "{\"type\":\"subscribe\"}",
			"{\"type\":\"subscribe\",\"channels\":null}", "{\"type\":\"unsubscribe\"}",
			"{\"type\":\"resume_required\",\"channel\":\"chat\",\"from_cursor\":1}",
			"{\"type\":\"resume_required\",\"channel\":\"chat\",\"epoch\":\"E\"}",
			"{\"type\":\"auth_ok\",\"heartbeat_ms\":1}", "{\"type\":\"error\",\"message\":\"m\"}",
			"{\"type\":\"health\"}", "{\"type\":\"relay\",\"channel\":\"rtc:x\",\"payload\":1}",
			"{\"type\":\"relay\",\"to\":\"p\",\"payload\":1}", "{\"type\":\"mode_switch\",\"mode\":\"relay\"}" })
	void refusesMissingRequiredKeys(String json) {
		assertBadMessage(() -> this.codec.decode(json));
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"17\"", "\"\"", "1.5", "17.0", "1e3", "-1", "-9007199254740991", "9007199254740992",
			"9223372036854775807", "9223372036854775808", "18446744073709551616", "1e30", "-1e30",
			"99999999999999999999999", "-99999999999999999999999", "true", "[17]", "{\"c\":17}" })
	void refusesCursorThatIsNotIntegerFromZeroTo2Pow53Minus1(String cursor) {
		assertBadMessage(() -> this.codec.decode("{\"channel\":\"chat\",\"cursor\":" + cursor + ",\"payload\":1}"))
			.satisfies((ex) -> assertThat(ex.getMessage()).contains("cursor"));
		assertBadMessage(() -> this.codec.decode("{\"type\":\"ack\",\"channel\":\"chat\",\"cursor\":" + cursor + "}"));
		assertBadMessage(() -> this.codec
			.decode("{\"type\":\"auth\",\"capabilities\":[\"chat\"],\"resume_cursors\":{\"chat\":" + cursor + "}}"));
		assertBadMessage(() -> this.codec
			.decode("{\"type\":\"auth\",\"capabilities\":[\"chat\"],\"resume_cursor\":" + cursor + "}"));
		assertBadMessage(() -> this.codec
			.decode("{\"type\":\"subscribe\",\"channels\":[\"chat\"],\"cursors\":{\"chat\":" + cursor + "}}"));
		assertBadMessage(() -> this.codec.decode(
				"{\"type\":\"resume_required\",\"channel\":\"chat\",\"from_cursor\":" + cursor + ",\"epoch\":\"E\"}"));
		assertBadMessage(() -> this.codec
			.decode("{\"type\":\"auth_ok\",\"client_id\":\"c\",\"heads\":{\"chat\":" + cursor + "}}"));
	}

	@Test
	void refusesFrameWithCursorZero() {
		assertBadMessage(() -> this.codec.decode("{\"channel\":\"chat\",\"cursor\":0,\"payload\":1}"));
	}

	@Test
	void refusesNumberTooLongToRead() {
		assertBadMessage(() -> this.codec.decode("{\"channel\":\"chat\",\"cursor\":1" + "0".repeat(5000) + "}"));
	}

	@Test
	void badMessageIsAnswerableWithErrorOp() {
		ProtocolException ex = assertBadMessage(() -> this.codec.decode("not json")).actual();
		SystemOp.Error error = ex.toOp();
		assertThat(error.code()).isEqualTo("bad_message");
		assertThat(this.codec.encode(error)).startsWith("{\"type\":\"error\",\"code\":\"bad_message\",\"message\":\"");
	}

	// secrets

	@Test
	void authToStringDoesNotContainToken() {
		SystemOp.Auth auth = new SystemOp.Auth(CLIENT_ID, "s3cr3t-t0ken", List.of("chat"), Map.of(), Map.of(), null);
		assertThat(auth.toString()).doesNotContain("s3cr3t-t0ken").contains(CLIENT_ID).contains("chat");
		SystemOp decoded = (SystemOp) this.codec
			.decode("{\"type\":\"auth\",\"token\":\"s3cr3t-t0ken\",\"capabilities\":[\"chat\"]}");
		assertThat(decoded.toString()).doesNotContain("s3cr3t-t0ken");
		assertThat(((SystemOp.Auth) decoded).token()).isEqualTo("s3cr3t-t0ken");
	}

	@Test
	void badAuthMessageDoesNotRepeatToken() {
		assertBadMessage(
				() -> this.codec.decode("{\"type\":\"auth\",\"token\":\"s3cr3t-t0ken\",\"capabilities\":\"chat\"}"))
			.satisfies((ex) -> assertThat(ex.getMessage()).doesNotContain("s3cr3t-t0ken"));
	}

	private static ThrowableAssertAlternative<ProtocolException> assertBadMessage(ThrowingCallable callable) {
		return assertThatExceptionOfType(ProtocolException.class).isThrownBy(callable)
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE));
	}

	private static ObjectNode object(String key, String value) {
		return JsonNodeFactory.instance.objectNode().put(key, value);
	}

	private static String nested(int levels) {
		return "{\"a\":".repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
	}

	private static int depth(JsonNode node) {
		int depth = 0;
		JsonNode current = node;
		while (current != null && current.isContainer()) {
			depth++;
			current = current.get("a");
		}
		return depth;
	}

}

package io.pushwire.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON codec of the protocol (PROTOCOL.md §3): a tolerant decoder that ignores
 * unknown keys and treats {@code null} like a missing key, and a compact encoder that
 * leaves out {@code null} keys. Instances are immutable and thread-safe; create one per
 * application.
 * <p>
 * As a {@link WireFormat} it is {@code json}, in text messages, at index
 * {@value WireFormat#JSON_INDEX}.
 *
 * @since 0.1.0
 */
public final class ProtocolCodec extends WireFormat {

	/** The deepest nesting a message may have. */
	public static final int MAX_NESTING_DEPTH = 64;

	private final JsonMapper mapper;

	/**
	 * Create a codec with its own mapper, limited to {@value #MAX_NESTING_DEPTH} levels
	 * of nesting.
	 */
	public ProtocolCodec() {
		this(createMapper());
	}

	/**
	 * Create a codec on a given mapper (which should limit nesting, see
	 * {@link #createMapper()}).
	 * @param mapper the mapper
	 */
	public ProtocolCodec(JsonMapper mapper) {
		super("json", JSON_INDEX, false);
		this.mapper = mapper;
	}

	/**
	 * The mapper the protocol reads and writes with: strict about trailing content and
	 * limited to {@value #MAX_NESTING_DEPTH} levels of nesting.
	 * @return a new mapper
	 */
	public static JsonMapper createMapper() {
		JsonFactory factory = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
			.build();
		return JsonMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
	}

	/**
	 * The mapper this codec uses.
	 * @return the mapper
	 */
	public JsonMapper mapper() {
		return this.mapper;
	}

	/**
	 * Decode a message that a client sent: ops that only a server sends are refused.
	 * @param text the message
	 * @return the message
	 * @throws ProtocolException with {@link ErrorCode#BAD_MESSAGE} for anything the
	 * protocol refuses
	 */
	public PushMessage decodeFromClient(String text) {
		PushMessage message = decode(text);
		if (message instanceof SystemOp op && !op.sentByClient()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + op.type() + "' is only sent by servers");
		}
		return message;
	}

	/**
	 * Decode a message that a server sent: ops that only a client sends are refused.
	 * @param text the message
	 * @return the message
	 * @throws ProtocolException with {@link ErrorCode#BAD_MESSAGE} for anything the
	 * protocol refuses
	 */
	public PushMessage decodeFromServer(String text) {
		PushMessage message = decode(text);
		if (message instanceof SystemOp op && !op.sentByServer()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + op.type() + "' is only sent by clients");
		}
		return message;
	}

	/**
	 * Decode a message in either direction.
	 * @param text the message
	 * @return the message
	 * @throws ProtocolException with {@link ErrorCode#BAD_MESSAGE} for anything the
	 * protocol refuses
	 */
	public PushMessage decode(String text) {
		JsonNode node;
		try {
			node = this.mapper.readTree(text);
		}
		catch (JacksonException ex) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Not a valid JSON message: " + describe(ex));
		}
		return decode(node);
	}

	/**
	 * Decode a message from a JSON tree (the same rules as text; binary formats decode to
	 * a tree).
	 * @param node the tree
	 * @return the message
	 */
	public PushMessage decode(@Nullable JsonNode node) {
		if (node == null || !node.isObject()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "A message must be a JSON object");
		}
		if (node.has("type")) {
			return decodeOp(node);
		}
		if (node.has("channel")) {
			return decodeFrame(node);
		}
		throw new ProtocolException(ErrorCode.BAD_MESSAGE,
				"A message needs a 'type' (system op) or a 'channel' (frame)");
	}

	private PushMessage decodeFrame(JsonNode node) {
		String channel = requiredString(node, "channel");
		JsonNode payload = node.get("payload");
		if (ChannelName.SYSTEM_KIND.equals(channel)) {
			// The compatibility form: a frame on 'system' carries an op as its payload.
			if (payload == null || !payload.isObject() || !payload.has("type")) {
				throw new ProtocolException(ErrorCode.BAD_MESSAGE,
						"A frame on 'system' must carry a system op as its payload");
			}
			return decodeOp(payload);
		}
		Long cursor = optionalCursor(node, "cursor");
		if (cursor != null && cursor < 1) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "A frame's cursor starts at 1");
		}
		JsonNode delta = node.get("delta");
		if (!absent(delta)) {
			return decodeDeltaFrame(channel, cursor, payload, delta, optionalString(node, "client_id"));
		}
		return new Frame(channel, cursor, payload, optionalString(node, "client_id"));
	}

	private static DeltaFrame decodeDeltaFrame(String channel, @Nullable Long cursor, @Nullable JsonNode payload,
			JsonNode delta, @Nullable String clientId) {
		if (!absent(payload)) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "A frame has either a 'payload' or a 'delta', not both");
		}
		if (!delta.isObject()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"'delta' must be an object with 'base', 'fossil' and 'sha256'");
		}
		Long base = optionalCursor(delta, "base");
		if (cursor == null || base == null || base != cursor - 1) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"A delta frame has a cursor and a 'delta.base' one below it (PROTOCOL.md §8.3)");
		}
		String sha256 = requiredString(delta, "sha256");
		if (!sha256.matches("[0-9a-f]{64}")) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'delta.sha256' must be 64 lowercase hex digits");
		}
		return new DeltaFrame(channel, cursor, new DeltaFrame.Delta(base, requiredString(delta, "fossil"), sha256),
				clientId);
	}

	private SystemOp decodeOp(JsonNode node) {
		String type = requiredString(node, "type");
		switch (type) {
			case "auth":
				return new SystemOp.Auth(optionalString(node, "client_id"), optionalString(node, "token"),
						stringList(node, "capabilities"), cursorMap(node, "resume_cursors"),
						stringMap(node, "resume_epochs"), optionalCursor(node, "resume_cursor"),
						optionalString(node, "session_secret"), stringList(node, "features"), stringMap(node, "delta"));
			case "auth_ok":
				return new SystemOp.AuthOk(requiredString(node, "client_id"), cursorMap(node, "resume_cursors"),
						cursorMap(node, "heads"), stringMap(node, "epochs"), optionalLong(node, "heartbeat_ms", 0),
						stringList(node, "features"), optionalCursor(node, "expires_at_ms"),
						optionalString(node, "session_secret"), cursorMap(node, "wire_ids"));
			case "refresh":
				return new SystemOp.Refresh(requiredString(node, "token"));
			case "refreshed":
				return new SystemOp.Refreshed(optionalCursor(node, "expires_at_ms"));
			case "presence":
				return new SystemOp.Presence(requiredString(node, "channel"));
			case "presence_list":
				return new SystemOp.PresenceList(requiredString(node, "channel"), presenceEntries(node));
			case "join":
				return new SystemOp.Join(requiredString(node, "channel"), requiredString(node, "client_id"),
						stringOr(node, "user", ""));
			case "leave":
				return new SystemOp.Leave(requiredString(node, "channel"), requiredString(node, "client_id"),
						stringOr(node, "user", ""));
			case "subscribe":
				return new SystemOp.Subscribe(requiredStringList(node, "channels"), cursorMap(node, "cursors"),
						stringMap(node, "epochs"), stringMap(node, "delta"));
			case "subscribed":
				return new SystemOp.Subscribed(stringList(node, "channels"), cursorMap(node, "heads"),
						stringMap(node, "epochs"));
			case "unsubscribe":
				return new SystemOp.Unsubscribe(requiredStringList(node, "channels"));
			case "unsubscribed":
				return new SystemOp.Unsubscribed(stringList(node, "channels"));
			case "ack":
				return new SystemOp.Ack(requiredString(node, "channel"), requiredCursor(node, "cursor"));
			case "resume_required":
				return new SystemOp.ResumeRequired(requiredString(node, "channel"), requiredCursor(node, "from_cursor"),
						requiredString(node, "epoch"));
			case "ping":
				return new SystemOp.Ping();
			case "pong":
				return new SystemOp.Pong();
			case "slow":
				return new SystemOp.Slow(optionalCursor(node, "window"));
			case "error":
				return new SystemOp.Error(requiredString(node, "code"), stringOr(node, "message", ""),
						optionalString(node, "channel"));
			case "goodbye":
				Long code = optionalCursor(node, "code");
				return new SystemOp.Goodbye(optionalString(node, "reason"),
						(code != null && code <= Integer.MAX_VALUE) ? code.intValue() : null);
			case "features":
				return new SystemOp.Features(stringList(node, "supported"), stringList(node, "requested"));
			case "health":
				return new SystemOp.Health(requiredString(node, "status"), optionalString(node, "detail"));
			case "relay":
				return new SystemOp.Relay(requiredString(node, "to"), requiredString(node, "channel"),
						node.get("payload"));
			case "mode_switch":
				return new SystemOp.ModeSwitch(requiredString(node, "peer_id"), requiredString(node, "mode"),
						stringOr(node, "previous_mode", ""), stringOr(node, "reason", ""),
						optionalLong(node, "generation", 0));
			default:
				throw new ProtocolException(ErrorCode.BAD_MESSAGE,
						"Unknown op type '" + ChannelName.abbreviate(type) + "'");
		}
	}

	/**
	 * Encode a message as compact JSON text.
	 * @param message the message
	 * @return the JSON
	 */
	public String encode(PushMessage message) {
		return new String(encodeToUtf8(message), StandardCharsets.UTF_8);
	}

	/**
	 * Encode a message as compact JSON in UTF-8, ready for a WebSocket text message.
	 * @param message the message
	 * @return the UTF-8 bytes
	 */
	public byte[] encodeToUtf8(PushMessage message) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(128);
		try (JsonGenerator gen = this.mapper.createGenerator(out)) {
			write(gen, message);
		}
		return out.toByteArray();
	}

	/**
	 * Encode a message as compact JSON in UTF-8: the same as
	 * {@link #encodeToUtf8(PushMessage)}.
	 * @param message the message
	 * @return the UTF-8 bytes
	 */
	@Override
	public byte[] toBytes(PushMessage message) {
		return encodeToUtf8(message);
	}

	/**
	 * Write a message to a generator.
	 * @param gen the generator
	 * @param message the message
	 */
	public void write(JsonGenerator gen, PushMessage message) {
		if (message instanceof Frame frame) {
			writeFrame(gen, frame);
		}
		else if (message instanceof DeltaFrame delta) {
			writeDeltaFrame(gen, delta);
		}
		else {
			writeOp(gen, (SystemOp) message);
		}
	}

	private void writeFrame(JsonGenerator gen, Frame frame) {
		gen.writeStartObject();
		gen.writeStringProperty("channel", frame.channel());
		if (frame.cursor() != null) {
			gen.writeNumberProperty("cursor", frame.cursor());
		}
		writeTree(gen, "payload", frame.payload());
		if (frame.clientId() != null) {
			gen.writeStringProperty("client_id", frame.clientId());
		}
		gen.writeEndObject();
	}

	private static void writeDeltaFrame(JsonGenerator gen, DeltaFrame frame) {
		gen.writeStartObject();
		gen.writeStringProperty("channel", frame.channel());
		gen.writeNumberProperty("cursor", frame.cursor());
		gen.writeName("delta");
		gen.writeStartObject();
		gen.writeNumberProperty("base", frame.delta().base());
		gen.writeStringProperty("fossil", frame.delta().fossil());
		gen.writeStringProperty("sha256", frame.delta().sha256());
		gen.writeEndObject();
		if (frame.clientId() != null) {
			gen.writeStringProperty("client_id", frame.clientId());
		}
		gen.writeEndObject();
	}

	private void writeOp(JsonGenerator gen, SystemOp op) {
		gen.writeStartObject();
		gen.writeStringProperty("type", op.type());
		if (op instanceof SystemOp.Auth auth) {
			writeString(gen, "client_id", auth.clientId());
			writeString(gen, "token", auth.token());
			writeList(gen, "capabilities", auth.capabilities());
			writeMap(gen, "resume_cursors", auth.resumeCursors());
			writeMap(gen, "resume_epochs", auth.resumeEpochs());
			if (auth.resumeCursor() != null) {
				gen.writeNumberProperty("resume_cursor", auth.resumeCursor());
			}
			writeString(gen, "session_secret", auth.sessionSecret());
			if (!auth.features().isEmpty()) {
				writeList(gen, "features", auth.features());
			}
			if (!auth.delta().isEmpty()) {
				writeMap(gen, "delta", auth.delta());
			}
		}
		else if (op instanceof SystemOp.AuthOk ok) {
			gen.writeStringProperty("client_id", ok.clientId());
			writeMap(gen, "resume_cursors", ok.resumeCursors());
			writeMap(gen, "heads", ok.heads());
			writeMap(gen, "epochs", ok.epochs());
			gen.writeNumberProperty("heartbeat_ms", ok.heartbeatMs());
			writeList(gen, "features", ok.features());
			if (ok.expiresAtMs() != null) {
				gen.writeNumberProperty("expires_at_ms", ok.expiresAtMs());
			}
			writeString(gen, "session_secret", ok.sessionSecret());
			if (!ok.wireIds().isEmpty()) {
				writeMap(gen, "wire_ids", ok.wireIds());
			}
		}
		else if (op instanceof SystemOp.Refresh refresh) {
			gen.writeStringProperty("token", refresh.token());
		}
		else if (op instanceof SystemOp.Refreshed refreshed) {
			if (refreshed.expiresAtMs() != null) {
				gen.writeNumberProperty("expires_at_ms", refreshed.expiresAtMs());
			}
		}
		else if (op instanceof SystemOp.Presence presence) {
			gen.writeStringProperty("channel", presence.channel());
		}
		else if (op instanceof SystemOp.PresenceList list) {
			gen.writeStringProperty("channel", list.channel());
			gen.writeName("clients");
			gen.writeStartArray();
			for (SystemOp.PresenceEntry entry : list.clients()) {
				gen.writeStartObject();
				gen.writeStringProperty("client_id", entry.clientId());
				gen.writeStringProperty("user", entry.user());
				gen.writeEndObject();
			}
			gen.writeEndArray();
		}
		else if (op instanceof SystemOp.Join join) {
			gen.writeStringProperty("channel", join.channel());
			gen.writeStringProperty("client_id", join.clientId());
			gen.writeStringProperty("user", join.user());
		}
		else if (op instanceof SystemOp.Leave leave) {
			gen.writeStringProperty("channel", leave.channel());
			gen.writeStringProperty("client_id", leave.clientId());
			gen.writeStringProperty("user", leave.user());
		}
		else if (op instanceof SystemOp.Subscribe subscribe) {
			writeList(gen, "channels", subscribe.channels());
			writeMap(gen, "cursors", subscribe.cursors());
			writeMap(gen, "epochs", subscribe.epochs());
			if (!subscribe.delta().isEmpty()) {
				writeMap(gen, "delta", subscribe.delta());
			}
		}
		else if (op instanceof SystemOp.Subscribed subscribed) {
			writeList(gen, "channels", subscribed.channels());
			writeMap(gen, "heads", subscribed.heads());
			writeMap(gen, "epochs", subscribed.epochs());
		}
		else if (op instanceof SystemOp.Unsubscribe unsubscribe) {
			writeList(gen, "channels", unsubscribe.channels());
		}
		else if (op instanceof SystemOp.Unsubscribed unsubscribed) {
			writeList(gen, "channels", unsubscribed.channels());
		}
		else if (op instanceof SystemOp.Ack ack) {
			gen.writeStringProperty("channel", ack.channel());
			gen.writeNumberProperty("cursor", ack.cursor());
		}
		else if (op instanceof SystemOp.ResumeRequired resume) {
			gen.writeStringProperty("channel", resume.channel());
			gen.writeNumberProperty("from_cursor", resume.fromCursor());
			gen.writeStringProperty("epoch", resume.epoch());
		}
		else if (op instanceof SystemOp.Slow slow) {
			if (slow.window() != null) {
				gen.writeNumberProperty("window", slow.window());
			}
		}
		else if (op instanceof SystemOp.Error error) {
			gen.writeStringProperty("code", error.code());
			gen.writeStringProperty("message", error.message());
			writeString(gen, "channel", error.channel());
		}
		else if (op instanceof SystemOp.Goodbye goodbye) {
			writeString(gen, "reason", goodbye.reason());
			if (goodbye.code() != null) {
				gen.writeNumberProperty("code", goodbye.code());
			}
		}
		else if (op instanceof SystemOp.Features features) {
			writeList(gen, "supported", features.supported());
			writeList(gen, "requested", features.requested());
		}
		else if (op instanceof SystemOp.Health health) {
			gen.writeStringProperty("status", health.status());
			writeString(gen, "detail", health.detail());
		}
		else if (op instanceof SystemOp.Relay relay) {
			gen.writeStringProperty("to", relay.to());
			gen.writeStringProperty("channel", relay.channel());
			writeTree(gen, "payload", relay.payload());
		}
		else if (op instanceof SystemOp.ModeSwitch modeSwitch) {
			gen.writeStringProperty("peer_id", modeSwitch.peerId());
			gen.writeStringProperty("mode", modeSwitch.mode());
			gen.writeStringProperty("previous_mode", modeSwitch.previousMode());
			gen.writeStringProperty("reason", modeSwitch.reason());
			gen.writeNumberProperty("generation", modeSwitch.generation());
		}
		// ping and pong have no keys besides their type
		gen.writeEndObject();
	}

	private static void writeString(JsonGenerator gen, String name, @Nullable String value) {
		if (value != null) {
			gen.writeStringProperty(name, value);
		}
	}

	private static void writeTree(JsonGenerator gen, String name, JsonNode value) {
		// A JSON null payload is the same as none to every decoder (§3), so it is left
		// out.
		if (!absent(value)) {
			gen.writeName(name);
			gen.writeTree(value);
		}
	}

	private static void writeList(JsonGenerator gen, String name, List<String> values) {
		gen.writeName(name);
		gen.writeStartArray();
		for (String value : values) {
			gen.writeString(value);
		}
		gen.writeEndArray();
	}

	private static void writeMap(JsonGenerator gen, String name, Map<String, ?> values) {
		gen.writeName(name);
		gen.writeStartObject();
		for (Map.Entry<String, ?> entry : values.entrySet()) {
			gen.writeName(entry.getKey());
			Object value = entry.getValue();
			if (value instanceof Long number) {
				gen.writeNumber(number);
			}
			else {
				gen.writeString(String.valueOf(value));
			}
		}
		gen.writeEndObject();
	}

	private static boolean absent(@Nullable JsonNode value) {
		return value == null || value.isNull() || value.isMissingNode();
	}

	private static @Nullable String optionalString(JsonNode node, String key) {
		JsonNode value = node.get(key);
		if (absent(value)) {
			return null;
		}
		if (!value.isString()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' must be a string");
		}
		return value.stringValue();
	}

	private static String stringOr(JsonNode node, String key, String fallback) {
		String value = optionalString(node, key);
		return (value != null) ? value : fallback;
	}

	private static String requiredString(JsonNode node, String key) {
		String value = optionalString(node, key);
		if (value == null) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' is required");
		}
		return value;
	}

	private static @Nullable Long optionalCursor(JsonNode node, String key) {
		JsonNode value = node.get(key);
		if (absent(value)) {
			return null;
		}
		return toCursor(value, key);
	}

	private static long requiredCursor(JsonNode node, String key) {
		Long value = optionalCursor(node, key);
		if (value == null) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' is required");
		}
		return value;
	}

	private static long optionalLong(JsonNode node, String key, long fallback) {
		Long value = optionalCursor(node, key);
		return (value != null) ? value : fallback;
	}

	private static long toCursor(JsonNode value, String key) {
		if (!value.isIntegralNumber() || !value.canConvertToLong()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"'" + key + "' must be an integer from 0 to " + Cursors.MAX_CURSOR);
		}
		long cursor = value.longValue();
		if (!Cursors.isValidCursor(cursor)) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"'" + key + "' must be an integer from 0 to " + Cursors.MAX_CURSOR);
		}
		return cursor;
	}

	private static List<String> stringList(JsonNode node, String key) {
		JsonNode value = node.get(key);
		if (absent(value)) {
			return Collections.emptyList();
		}
		if (!value.isArray()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' must be an array of strings");
		}
		List<String> result = new ArrayList<>(value.size());
		for (JsonNode element : value) {
			if (!element.isString()) {
				throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' must be an array of strings");
			}
			result.add(element.stringValue());
		}
		return result;
	}

	private static List<SystemOp.PresenceEntry> presenceEntries(JsonNode node) {
		JsonNode value = node.get("clients");
		if (absent(value)) {
			return Collections.emptyList();
		}
		if (!value.isArray()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'clients' must be an array of objects");
		}
		List<SystemOp.PresenceEntry> result = new ArrayList<>(value.size());
		for (JsonNode element : value) {
			if (element == null || !element.isObject()) {
				throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'clients' must be an array of objects");
			}
			result.add(new SystemOp.PresenceEntry(requiredString(element, "client_id"), stringOr(element, "user", "")));
		}
		return result;
	}

	private static List<String> requiredStringList(JsonNode node, String key) {
		if (absent(node.get(key))) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' is required");
		}
		return stringList(node, key);
	}

	private static Map<String, Long> cursorMap(JsonNode node, String key) {
		JsonNode value = node.get(key);
		if (absent(value)) {
			return Collections.emptyMap();
		}
		if (!value.isObject()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' must be an object of cursors");
		}
		Map<String, Long> result = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : value.properties()) {
			if (!absent(entry.getValue())) {
				result.put(entry.getKey(), toCursor(entry.getValue(), key + "." + entry.getKey()));
			}
		}
		return result;
	}

	private static Map<String, String> stringMap(JsonNode node, String key) {
		JsonNode value = node.get(key);
		if (absent(value)) {
			return Collections.emptyMap();
		}
		if (!value.isObject()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' must be an object of strings");
		}
		Map<String, String> result = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : value.properties()) {
			JsonNode element = entry.getValue();
			if (absent(element)) {
				continue;
			}
			if (!element.isString()) {
				throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' must be an object of strings");
			}
			result.put(entry.getKey(), element.stringValue());
		}
		return result;
	}

	private static String describe(JacksonException ex) {
		String message = ex.getOriginalMessage();
		if (message == null) {
			return "unreadable";
		}
		int newline = message.indexOf('\n');
		String first = (newline >= 0) ? message.substring(0, newline) : message;
		return ChannelName.abbreviate(first);
	}

}

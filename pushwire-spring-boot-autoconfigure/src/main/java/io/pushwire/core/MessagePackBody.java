package io.pushwire.core;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageUnpacker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.TokenBuffer;

/**
 * MessagePack bodies through msgpack-core (there is no MessagePack data format for
 * Jackson 3): a message is written by the JSON codec into a tree, which is packed; a body
 * is unpacked into the tree its JSON would give, checking every length against the bytes
 * that are left before reading it, so a header that claims more than the message holds
 * allocates nothing.
 */
final class MessagePackBody implements BinaryBody {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

	private final ProtocolCodec json;

	MessagePackBody(ProtocolCodec json) {
		this.json = json;
	}

	@Override
	public byte[] encode(PushMessage message) {
		JsonNode tree;
		try (TokenBuffer buffer = TokenBuffer.forGeneration()) {
			this.json.write(buffer, message);
			tree = this.json.mapper().readTree(buffer.asParser());
		}
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			pack(packer, tree);
			return packer.toByteArray();
		}
		catch (IOException ex) {
			throw new IllegalStateException("MessagePack encoding failed", ex);
		}
	}

	private static void pack(MessagePacker packer, JsonNode node) throws IOException {
		switch (node.getNodeType()) {
			case OBJECT -> {
				packer.packMapHeader(node.size());
				for (Map.Entry<String, JsonNode> property : node.properties()) {
					packer.packString(property.getKey());
					pack(packer, property.getValue());
				}
			}
			case ARRAY -> {
				packer.packArrayHeader(node.size());
				for (JsonNode element : node) {
					pack(packer, element);
				}
			}
			case STRING -> packer.packString(node.stringValue());
			case NUMBER -> packNumber(packer, node);
			case BOOLEAN -> packer.packBoolean(node.booleanValue());
			case NULL, MISSING -> packer.packNil();
			// JSON would write these as text (base64 for binary): so does MessagePack.
			default -> packer.packString(node.asString());
		}
	}

	private static void packNumber(MessagePacker packer, JsonNode node) throws IOException {
		if (node.isIntegralNumber()) {
			if (node.canConvertToLong()) {
				packer.packLong(node.longValue());
			}
			else {
				BigInteger value = node.bigIntegerValue();
				if (value.signum() < 0 || value.compareTo(MAX_UINT64) > 0) {
					throw new IllegalArgumentException("MessagePack has no integer as large as " + value);
				}
				packer.packBigInteger(value);
			}
		}
		else if (node.isFloat()) {
			packer.packFloat(node.floatValue());
		}
		else {
			packer.packDouble(node.doubleValue());
		}
	}

	@Override
	public JsonNode decode(byte[] bytes, int offset, int length) {
		try (MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(bytes, offset, length)) {
			Reader reader = new Reader(unpacker, length);
			JsonNode node = reader.read(0);
			if (unpacker.hasNext()) {
				throw bad("The body holds more than one MessagePack item");
			}
			return node;
		}
		catch (MessagePackException | IOException ex) {
			throw bad("Not a valid MessagePack body: " + ChannelName.abbreviate(String.valueOf(ex.getMessage())));
		}
	}

	private static ProtocolException bad(String message) {
		return new ProtocolException(ErrorCode.BAD_MESSAGE, message);
	}

	/** Reads one item, bounded by the bytes that are left and by nesting depth. */
	private static final class Reader {

		private final MessageUnpacker unpacker;

		private final int length;

		Reader(MessageUnpacker unpacker, int length) {
			this.unpacker = unpacker;
			this.length = length;
		}

		JsonNode read(int depth) throws IOException {
			if (depth > ProtocolCodec.MAX_NESTING_DEPTH) {
				throw bad("The body nests deeper than " + ProtocolCodec.MAX_NESTING_DEPTH + " levels");
			}
			MessageFormat format = this.unpacker.getNextFormat();
			switch (format.getValueType()) {
				case NIL:
					this.unpacker.unpackNil();
					return NODES.nullNode();
				case BOOLEAN:
					return NODES.booleanNode(this.unpacker.unpackBoolean());
				case INTEGER:
					return integer(format);
				case FLOAT:
					return NODES.numberNode(this.unpacker.unpackDouble());
				case STRING:
					return NODES.stringNode(string());
				case ARRAY:
					return array(depth);
				case MAP:
					return map(depth);
				default:
					throw bad("MessagePack " + format.getValueType().name().toLowerCase()
							+ " items are not allowed in a body (strings as text, no ext types)");
			}
		}

		private JsonNode integer(MessageFormat format) throws IOException {
			if (format == MessageFormat.UINT64) {
				BigInteger value = this.unpacker.unpackBigInteger();
				return (value.bitLength() < 64) ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
			}
			long value = this.unpacker.unpackLong();
			// As the JSON parser gives them: an int node when it fits.
			return (value == (int) value) ? NODES.numberNode((int) value) : NODES.numberNode(value);
		}

		private String string() throws IOException {
			int size = this.unpacker.unpackRawStringHeader();
			byte[] utf8 = this.unpacker.readPayload(checked(size, 1));
			try {
				return StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(utf8))
					.toString();
			}
			catch (CharacterCodingException ex) {
				throw bad("A MessagePack string is not valid UTF-8");
			}
		}

		private ArrayNode array(int depth) throws IOException {
			int size = checked(this.unpacker.unpackArrayHeader(), 1);
			ArrayNode array = NODES.arrayNode(Math.min(size, 16));
			for (int i = 0; i < size; i++) {
				array.add(read(depth + 1));
			}
			return array;
		}

		private ObjectNode map(int depth) throws IOException {
			int size = checked(this.unpacker.unpackMapHeader(), 2);
			ObjectNode object = NODES.objectNode();
			for (int i = 0; i < size; i++) {
				if (this.unpacker.getNextFormat().getValueType() != org.msgpack.value.ValueType.STRING) {
					throw bad("MessagePack map keys must be strings");
				}
				String key = string();
				object.set(key, read(depth + 1));
			}
			return object;
		}

		/**
		 * Check a count from a header against the bytes that are left.
		 * @param count the count
		 * @param bytesEach the fewest bytes each counted thing takes
		 * @return the count
		 */
		private int checked(int count, int bytesEach) {
			long left = this.length - this.unpacker.getTotalReadBytes();
			if (count < 0 || (long) count * bytesEach > left) {
				throw bad("A MessagePack length claims more than the body holds");
			}
			return count;
		}

	}

}

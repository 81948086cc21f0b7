package io.pushwire.core;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.cbor.CBORFactory;
import tools.jackson.dataformat.cbor.CBORMapper;

/**
 * CBOR bodies through Jackson 3's CBOR data format: the JSON codec writes the message to
 * a CBOR generator, and a body is read into the tree its JSON would give, with the same
 * nesting limit and no trailing items.
 */
final class CborBody implements BinaryBody {

	private final ProtocolCodec json;

	private final CBORMapper mapper;

	CborBody(ProtocolCodec json) {
		this.json = json;
		CBORFactory factory = CBORFactory.builder()
			.streamReadConstraints(
					StreamReadConstraints.builder().maxNestingDepth(ProtocolCodec.MAX_NESTING_DEPTH).build())
			.build();
		this.mapper = CBORMapper.builder(factory).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
	}

	@Override
	public byte[] encode(PushMessage message) {
		java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(128);
		try (JsonGenerator gen = this.mapper.createGenerator(out)) {
			this.json.write(gen, message);
		}
		return out.toByteArray();
	}

	@Override
	public JsonNode decode(byte[] bytes, int offset, int length) {
		try {
			JsonNode node = this.mapper.readTree(bytes, offset, length);
			if (node == null || node.isMissingNode()) {
				throw new ProtocolException(ErrorCode.BAD_MESSAGE, "The body is empty");
			}
			return node;
		}
		catch (JacksonException ex) {
			String message = ex.getOriginalMessage();
			if (message == null) {
				message = "unreadable";
			}
			int newline = message.indexOf('\n');
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "Not a valid CBOR body: "
					+ ChannelName.abbreviate((newline >= 0) ? message.substring(0, newline) : message));
		}
	}

}

package io.pushwire.core;

import tools.jackson.databind.node.NullNode;

/**
 * Prepared messages for tests that only look at their JSON bytes.
 */
public final class PreparedMessages {

	/** The JSON format the helpers read with. */
	public static final ProtocolCodec JSON = new ProtocolCodec();

	private PreparedMessages() {
	}

	/**
	 * A transient frame whose JSON encoding is the given bytes (whatever they are).
	 * @param json the bytes
	 * @return the prepared message
	 */
	public static PreparedMessage ofJson(byte[] json) {
		return PreparedMessage.ofJson(new Frame("test:any", null, NullNode.getInstance(), null), json);
	}

	/**
	 * The JSON encoding of a prepared message.
	 * @param message the message
	 * @return the bytes
	 */
	public static byte[] json(PreparedMessage message) {
		return message.encoded(JSON);
	}

}

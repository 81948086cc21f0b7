package io.pushwire.core;

import tools.jackson.databind.JsonNode;

/**
 * The body encoding of a binary format: MessagePack or CBOR, each mapping a message to
 * the same object as its JSON.
 */
interface BinaryBody {

	/**
	 * Encode a message.
	 * @param message the message
	 * @return its body
	 */
	byte[] encode(PushMessage message);

	/**
	 * Decode a body into the tree its JSON would give.
	 * @param bytes the bytes holding the body
	 * @param offset where it starts
	 * @param length its length
	 * @return the tree
	 * @throws ProtocolException {@code bad_message} for a body that is not exactly one
	 * valid item
	 */
	JsonNode decode(byte[] bytes, int offset, int length);

}

package io.pushwire.server.websocket;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.springframework.web.util.UriComponentsBuilder;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.FragmentAssembler;
import io.pushwire.core.Fragments;
import io.pushwire.core.PushMessage;
import io.pushwire.core.WireFormat;

/**
 * The binary side of one WebSocket connection that negotiated {@code ?format=msgpack} or
 * {@code cbor} (PROTOCOL.md §8.1, §8.2): decodes what the client sends, reassembling
 * fragments (the assembler is made on the first fragment), and splits what is sent into
 * fragments once the client announced {@code fragments}. A JSON connection has none, so
 * it costs JSON connections nothing.
 */
final class BinarySession {

	private final BinaryFormat format;

	private final long maxMessageSize;

	private final int fragmentSize;

	/** Set once the client's {@code auth} announced {@code fragments}. */
	private volatile boolean peerAcceptsFragments;

	private @Nullable FragmentAssembler assembler;

	BinarySession(BinaryFormat format, long maxMessageSize, int fragmentSize) {
		this.format = format;
		this.maxMessageSize = maxMessageSize;
		this.fragmentSize = fragmentSize;
	}

	/**
	 * The binary session of a connection, if its upgrade asked for a binary format. The
	 * endpoint refused unknown formats before the upgrade.
	 * @param handler the node-wide handler with the formats
	 * @param uri the upgrade request's URI
	 * @return the session, or {@code null} for a JSON connection
	 */
	static @Nullable BinarySession of(PushWebSocketHandler handler, URI uri) {
		String query = uri.getRawQuery();
		if (query == null || !query.contains("format=")) {
			return null;
		}
		String name = UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("format");
		WireFormat format = handler.formats().find(name);
		if (format instanceof BinaryFormat binary) {
			return new BinarySession(binary, handler.settings().maxMessageSize(), handler.fragmentSize());
		}
		return null;
	}

	BinaryFormat format() {
		return this.format;
	}

	void peerAcceptsFragments() {
		this.peerAcceptsFragments = true;
	}

	/**
	 * Decode a binary message from the client, or take it as a fragment.
	 * @param message the message
	 * @return the message, or {@code null} for a fragment of one still incomplete
	 * @throws io.pushwire.core.ProtocolException {@code bad_message} for bad input,
	 * {@code too_large} for a body that inflates or grows past the limit
	 */
	@Nullable PushMessage decode(byte[] message) {
		BinaryFormat.checkHeader(message);
		byte[] whole = message;
		if (BinaryFormat.isFragment(message)) {
			FragmentAssembler fragments = this.assembler;
			if (fragments == null) {
				fragments = new FragmentAssembler(this.maxMessageSize, () -> System.nanoTime() / 1_000_000);
				this.assembler = fragments;
			}
			whole = fragments.accept(message);
			if (whole == null) {
				return null;
			}
		}
		return this.format.decodeFromClient(whole, this.maxMessageSize);
	}

	/**
	 * A message as the WebSocket messages to send: itself, or its fragments when the
	 * client accepts fragments and it is larger than the fragment size.
	 * @param bytes the message
	 * @return the WebSocket messages
	 */
	byte[][] outgoing(byte[] bytes) {
		if (!this.peerAcceptsFragments || bytes.length <= this.fragmentSize) {
			return new byte[][] { bytes };
		}
		return Fragments.split(bytes, this.fragmentSize);
	}

	/**
	 * Whether a message is sent in fragments.
	 * @param bytes the message
	 * @return {@code true} when {@link #outgoing(byte[])} splits it
	 */
	boolean splits(byte[] bytes) {
		return this.peerAcceptsFragments && bytes.length > this.fragmentSize;
	}

}

package io.pushwire.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.FragmentAssembler;
import io.pushwire.core.Fragments;
import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;
import io.pushwire.core.WireIds;

/**
 * The binary side of one WebSocket connection of a client that asked for
 * {@code ?format=msgpack} or {@code cbor} (PROTOCOL.md §8.1, §8.2), the client's mirror
 * of the server's binary session: announces {@code fragments} in {@code auth}, decodes
 * what the server sends (reassembling fragments with core's {@link FragmentAssembler} and
 * its bounds, inflating zstd bodies within the client's {@code max-message-size}), learns
 * the kinds' wire ids from {@code auth_ok.wire_ids}, and encodes what the client sends,
 * split into fragments above the client's fragment size once the server announced
 * {@code fragments}. Decoding runs on the connection's event loop, one message at a time;
 * encoding may run on any thread.
 */
final class BinaryWire {

	/** The feature a client announces to receive fragments. */
	static final String FRAGMENTS = "fragments";

	private final long maxMessageSize;

	private final int fragmentSize;

	private final LongSupplier millis;

	private final LongAdder fragmentsSent;

	private final LongAdder fragmentsReceived;

	/** The format, with the server's wire ids once {@code auth_ok} told them. */
	private volatile BinaryFormat format;

	/** Set once {@code auth_ok.features} listed {@code fragments}. */
	private volatile boolean serverAcceptsFragments;

	private @Nullable FragmentAssembler assembler;

	BinaryWire(BinaryFormat format, long maxMessageSize, int fragmentSize, LongSupplier millis, LongAdder fragmentsSent,
			LongAdder fragmentsReceived) {
		this.format = format.withWireIds(WireIds.none());
		this.maxMessageSize = maxMessageSize;
		this.fragmentSize = fragmentSize;
		this.millis = millis;
		this.fragmentsSent = fragmentsSent;
		this.fragmentsReceived = fragmentsReceived;
	}

	/**
	 * The {@code auth} to send: the client's, announcing {@code fragments} too.
	 * @param auth the client's {@code auth}
	 * @return the {@code auth} with {@code fragments} among its features
	 */
	static SystemOp.Auth announceFragments(SystemOp.Auth auth) {
		if (auth.features().contains(FRAGMENTS)) {
			return auth;
		}
		List<String> features = new ArrayList<>(auth.features());
		features.add(FRAGMENTS);
		return new SystemOp.Auth(auth.clientId(), auth.token(), auth.capabilities(), auth.resumeCursors(),
				auth.resumeEpochs(), auth.resumeCursor(), auth.sessionSecret(), features);
	}

	/**
	 * Decode a binary message from the server, or take it as a fragment.
	 * @param message the message, header included
	 * @return the message, or {@code null} for a fragment of one still incomplete
	 * @throws io.pushwire.core.ProtocolException {@code bad_message} for bad input,
	 * {@code too_large} for a body that grows or inflates past {@code max-message-size}
	 */
	@Nullable PushMessage decode(byte[] message) {
		BinaryFormat.checkHeader(message);
		byte[] whole = message;
		if (BinaryFormat.isFragment(message)) {
			this.fragmentsReceived.increment();
			FragmentAssembler fragments = this.assembler;
			if (fragments == null) {
				fragments = new FragmentAssembler(this.maxMessageSize, this.millis);
				this.assembler = fragments;
			}
			whole = fragments.accept(message);
			if (whole == null) {
				return null;
			}
		}
		PushMessage decoded = this.format.decodeFromServer(whole, this.maxMessageSize);
		if (decoded instanceof SystemOp.AuthOk ok) {
			this.format = this.format.withWireIds(WireIds.fromMap(ok.wireIds()));
			this.serverAcceptsFragments = ok.features().contains(FRAGMENTS);
		}
		return decoded;
	}

	/**
	 * A message as the binary WebSocket messages to send: one, or its fragments when the
	 * server accepts fragments and it is larger than the fragment size.
	 * @param message the message
	 * @return the WebSocket messages in order
	 */
	byte[][] encode(PushMessage message) {
		byte[] bytes = this.format.toBytes(message);
		if (!this.serverAcceptsFragments || bytes.length <= this.fragmentSize) {
			return new byte[][] { bytes };
		}
		byte[][] fragments = Fragments.split(bytes, this.fragmentSize);
		this.fragmentsSent.add(fragments.length);
		return fragments;
	}

	/**
	 * The format's name.
	 * @return {@code msgpack} or {@code cbor}
	 */
	String name() {
		return this.format.name();
	}

}

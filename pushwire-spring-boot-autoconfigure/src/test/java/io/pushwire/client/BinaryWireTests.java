package io.pushwire.client;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.FragmentAssembler;
import io.pushwire.core.Fragments;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.PushMessage;
import io.pushwire.core.SystemOp;
import io.pushwire.core.WireIds;
import io.pushwire.core.ZstdBodies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link BinaryWire}, the client's binary side, against messages encoded with
 * the server's format.
 */
class BinaryWireTests {

	private final ProtocolCodec json = new ProtocolCodec();

	private final BinaryFormat server = BinaryFormat.msgpack(this.json, new WireIds(Map.of("chat", 10), 5),
			ZstdBodies.plain());

	private final LongAdder sent = new LongAdder();

	private final LongAdder received = new LongAdder();

	private BinaryWire wire(int fragmentSize) {
		return new BinaryWire(BinaryFormat.msgpack(this.json, WireIds.none(), ZstdBodies.plain()), 64 * 1024,
				fragmentSize, () -> 0L, this.sent, this.received);
	}

	private SystemOp.AuthOk authOk(List<String> features) {
		return new SystemOp.AuthOk("c", Map.of(), Map.of(), Map.of(), 25_000, features, null, null,
				Map.of("chat", 10L, "system", 5L));
	}

	@Test
	void decodesAFrameWithA64BitCursorAndAKindTopicChannel() {
		Frame frame = new Frame("chat:room-1", (1L << 32) + 3, JsonNodeFactory.instance.objectNode().put("n", 1), null);
		PushMessage decoded = wire(2048).decode(this.server.toBytes(frame));
		assertThat(decoded).isInstanceOf(Frame.class);
		assertThat(((Frame) decoded).cursor()).isEqualTo((1L << 32) + 3);
		assertThat(((Frame) decoded).channel()).isEqualTo("chat:room-1");
	}

	@Test
	void usesTheWireIdsOfAuthOkForWhatItSendsAfterwards() {
		BinaryWire wire = wire(2048);
		Frame frame = Frame.of("chat:room-1", JsonNodeFactory.instance.textNode("hi"));
		assertThat(wire.encode(frame)[0][4]).isEqualTo((byte) 5);
		wire.decode(this.server.toBytes(authOk(List.of("fragments"))));
		assertThat(wire.encode(frame)[0][4]).isEqualTo((byte) 10);
		assertThat(wire.encode(new SystemOp.Pong())[0][4]).isEqualTo((byte) 5);
	}

	@Test
	void fragmentsLargeMessagesOnlyOnceTheServerAnnouncedFragments() {
		BinaryWire wire = wire(Fragments.MIN_FRAGMENT_SIZE);
		Frame large = Frame.of("chat:x", JsonNodeFactory.instance.textNode(randomText(8000)));
		assertThat(wire.encode(large).length).isEqualTo(1);
		wire.decode(this.server.toBytes(authOk(List.of())));
		assertThat(wire.encode(large).length).isEqualTo(1);
		wire.decode(this.server.toBytes(authOk(List.of("fragments"))));
		byte[][] fragments = wire.encode(large);
		assertThat(fragments.length).isGreaterThan(1);
		assertThat(this.sent.sum()).isEqualTo(fragments.length);
		FragmentAssembler assembler = new FragmentAssembler(64 * 1024, () -> 0L);
		byte[] whole = null;
		for (byte[] fragment : fragments) {
			assertThat(fragment.length).isLessThanOrEqualTo(Fragments.MIN_FRAGMENT_SIZE);
			whole = assembler.accept(fragment);
		}
		assertThat(this.server.decode(whole, 64 * 1024)).isEqualTo(large);
	}

	@Test
	void reassemblesTheServersFragments() {
		BinaryWire wire = wire(2048);
		Frame large = new Frame("chat:x", 7L, JsonNodeFactory.instance.textNode(randomText(8000)), null);
		byte[][] fragments = Fragments.split(this.server.toBytes(large), Fragments.MIN_FRAGMENT_SIZE);
		assertThat(fragments.length).isGreaterThan(1);
		PushMessage decoded = null;
		for (byte[] fragment : fragments) {
			decoded = wire.decode(fragment);
		}
		assertThat(decoded).isEqualTo(large);
		assertThat(this.received.sum()).isEqualTo(fragments.length);
	}

	@Test
	void refusesBadInputWithBadMessage() {
		BinaryWire wire = wire(2048);
		byte[] ping = this.server.toBytes(new SystemOp.Ping());
		byte[] badMagic = ping.clone();
		badMagic[0] = 0x7b;
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> wire.decode(badMagic))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE));
		byte[] corruptZstd = ping.clone();
		corruptZstd[3] |= BinaryFormat.FLAG_ZSTD;
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> wire.decode(corruptZstd))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE));
		assertThat(wire.decode(ping)).isInstanceOf(SystemOp.Ping.class);
	}

	@Test
	void refusesWhatOnlyClientsSend() {
		byte[] auth = this.server.toBytes(new SystemOp.Auth(null, null, List.of(), Map.of(), Map.of(), null));
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> wire(2048).decode(auth))
			.withMessageContaining("only sent by clients");
	}

	@Test
	void announcesFragmentsInAuthKeepingTheClientsOwnFeatures() {
		SystemOp.Auth auth = new SystemOp.Auth(null, "t", List.of("chat:x"), Map.of(), Map.of(), null, null,
				List.of("delta:fossil"));
		assertThat(BinaryWire.announceFragments(auth).features()).containsExactly("delta:fossil", "fragments");
		assertThat(BinaryWire.announceFragments(BinaryWire.announceFragments(auth)).features())
			.containsExactly("delta:fossil", "fragments");
	}

	private static String randomText(int length) {
		java.util.Random random = new java.util.Random(3);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((char) ('!' + random.nextInt(90)));
		}
		return text.toString();
	}

}

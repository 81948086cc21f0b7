package io.pushwire.bench.load;

import java.util.List;
import java.util.Map;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.SystemOp;
import io.pushwire.core.WireIds;
import io.pushwire.core.ZstdBodies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BinaryWireTests {

	private final ProtocolCodec json = new ProtocolCodec();

	private final BinaryFormat server = BinaryFormat.msgpack(this.json, new WireIds(Map.of("bench", 1), 5),
			ZstdBodies.plain());

	@Test
	void readsCursorSequenceAndSendTimeOfAFrameAlsoWhenCompressed() {
		BinaryWire wire = BinaryWire.of("msgpack");
		String pad = "x".repeat(2000);
		Frame frame = new Frame("bench", (1L << 32) + 5,
				this.json.mapper().readTree("{\"seq\":1000000007,\"t\":1764085000123456,\"pad\":\"" + pad + "\"}"),
				null);
		byte[] bytes = this.server.toBytes(frame);
		assertThat(bytes[3] & BinaryFormat.FLAG_ZSTD).isEqualTo(BinaryFormat.FLAG_ZSTD);
		BinaryWire.Received received = wire.decode(Unpooled.wrappedBuffer(bytes));
		assertThat(received.op()).isNull();
		assertThat(received.cursor()).isEqualTo((1L << 32) + 5);
		assertThat(received.seq()).isEqualTo(1000000007L);
		assertThat(received.t()).isEqualTo(1764085000123456L);
	}

	@Test
	void givesOpsAsJsonAndSendsTheSubscribersOpsInBinary() {
		BinaryWire wire = BinaryWire.of("cbor");
		BinaryFormat cbor = BinaryFormat.cbor(this.json, WireIds.none(), ZstdBodies.plain());
		SystemOp.AuthOk ok = new SystemOp.AuthOk("c", Map.of("bench", 17L), Map.of("bench", 17L),
				Map.of("bench", "Xb3k"), 25_000, List.of("zstd"));
		BinaryWire.Received received = wire.decode(Unpooled.wrappedBuffer(cbor.toBytes(ok)));
		assertThat(Bytes.stringAfter(received.op(), "\"type\":")).isEqualTo("auth_ok");
		assertThat(received.op()).contains("\"bench\":17");
		byte[] pong = wire.encode("{\"type\":\"pong\"}");
		assertThat(cbor.decode(pong, 1024)).isEqualTo(new SystemOp.Pong());
	}

	@Test
	void jsonNeedsNoBinarySideAndOtherFormatsAreRefused() {
		assertThat(BinaryWire.of("json")).isNull();
		assertThatIllegalArgumentException().isThrownBy(() -> BinaryWire.of("xml")).withMessageContaining("--format");
	}

}

package io.pushwire.core;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;
import org.junit.jupiter.api.Test;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link BinaryFormat}: the header (PROTOCOL.md §8.1), zstd exactly from 512 bytes, and
 * the refusals of bodies that are bad or inflate too far.
 */
class BinaryFormatTests {

	private final ProtocolCodec json = new ProtocolCodec();

	private final BinaryFormat msgpack = BinaryFormat.msgpack(this.json, new WireIds(Map.of("chat", 10), 5),
			ZstdBodies.plain());

	@Test
	void headerCarriesMagicVersionWireIdAndTheCursorsLowBits() {
		long cursor = (1L << 32) + 3;
		byte[] bytes = this.msgpack.toBytes(new Frame("chat:a", cursor, this.json.mapper().readTree("1"), null));
		assertThat(header(bytes)).containsExactly(0x52, 0x50, 1, 0, 10, 0, 0, 0, 3);
		Frame decoded = (Frame) this.msgpack.decode(bytes, 1024);
		assertThat(decoded.cursor()).isEqualTo(cursor);
		byte[] op = this.msgpack.toBytes(new SystemOp.Ping());
		assertThat(header(op)).containsExactly(0x52, 0x50, 1, 0, 5, 0, 0, 0, 0);
		byte[] unknownKind = this.msgpack.toBytes(Frame.of("other:a", this.json.mapper().readTree("1")));
		assertThat(unknownKind[4]).isEqualTo((byte) 5);
	}

	@Test
	void compressesExactlyBodiesOf512BytesOrMore() {
		MessagePackBody body = new MessagePackBody(this.json);
		boolean below = false;
		boolean at = false;
		for (int length = 440; length < 500; length++) {
			Frame frame = frame("x".repeat(length));
			int raw = body.encode(frame).length;
			byte[] bytes = this.msgpack.toBytes(frame);
			boolean compressed = (bytes[3] & BinaryFormat.FLAG_ZSTD) != 0;
			assertThat(compressed).as("body of %d bytes", raw).isEqualTo(raw >= ZstdBodies.THRESHOLD);
			if (!compressed) {
				assertThat(bytes.length - BinaryFormat.HEADER_SIZE).isEqualTo(raw);
			}
			below |= raw == ZstdBodies.THRESHOLD - 1;
			at |= raw == ZstdBodies.THRESHOLD;
			assertThat(this.msgpack.decode(bytes, 1024)).isEqualTo(frame);
		}
		assertThat(below && at).isTrue();
	}

	@Test
	void aBodyDeclaringMoreThanTheLimitIsTooLargeBeforeAnyAllocation() {
		byte[] bytes = this.msgpack.toBytes(frame("y".repeat(100_000)));
		assertThat(bytes.length).isLessThan(1024);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.msgpack.decode(bytes, 64 * 1024))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.TOO_LARGE));
	}

	@Test
	void aZstdBodyWithoutItsContentSizeIsRefused() throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.write(new byte[] { 0x52, 0x50, 1, 1, 5, 0, 0, 0, 0 });
		// A streaming compressor does not know the size up front and leaves it out.
		try (ZstdOutputStream zstd = new ZstdOutputStream(out)) {
			zstd.write(body(Map.of("type", "ping")));
		}
		assertBad(out.toByteArray(), "content size");
	}

	@Test
	void refusesBadHeadersBodiesAndItems() throws Exception {
		assertBad(new byte[] { 0x52, 0x50, 1 }, "9-byte header");
		assertBad(new byte[] { 0x52, 0x51, 1, 0, 5, 0, 0, 0, 0, (byte) 0x80 }, "magic");
		assertBad(new byte[] { 0x52, 0x50, 2, 0, 5, 0, 0, 0, 0, (byte) 0x80 }, "version 2");
		assertBad(withHeader(0, new byte[] { (byte) 0xc1 }), "MessagePack");
		assertBad(withHeader(0, new byte[] { 0x07 }), "JSON object");
		byte[] twoItems = concat(body(Map.of("type", "ping")), body(Map.of("type", "ping")));
		assertBad(withHeader(0, twoItems), "more than one");
		assertBad(withHeader(1, new byte[] { 1, 2, 3, 4, 5, 6 }), "zstd");
		byte[] compressed = Zstd.compress(body(Map.of("type", "ping")));
		assertBad(withHeader(1, Arrays.copyOf(compressed, compressed.length - 2)), "corrupt");
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(1).packString("type").packBinaryHeader(4).writePayload("ping".getBytes());
			assertBad(withHeader(0, packer.toByteArray()), "binary");
		}
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			// A string header claiming 2 GB in a 12-byte body allocates nothing.
			packer.packMapHeader(1).packRawStringHeader(Integer.MAX_VALUE);
			assertBad(withHeader(0, packer.toByteArray()), "claims more");
		}
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(1).packInt(1).packString("x");
			assertBad(withHeader(0, packer.toByteArray()), "keys must be strings");
		}
	}

	@Test
	void decodesAsTheClientOrServerDirectionAllows() {
		byte[] authOk = this.msgpack.toBytes(new SystemOp.AuthOk("c", Map.of(), Map.of(), Map.of(), 1, List.of()));
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.msgpack.decodeFromClient(authOk, 1024));
		assertThat(this.msgpack.decodeFromServer(authOk, 1024)).isInstanceOf(SystemOp.AuthOk.class);
	}

	private Frame frame(String text) {
		return new Frame("chat:a", 7L, this.json.mapper().valueToTree(Map.of("t", text)), null);
	}

	private byte[] body(Map<String, String> map) throws Exception {
		try (MessageBufferPacker packer = MessagePack.newDefaultBufferPacker()) {
			packer.packMapHeader(map.size());
			for (Map.Entry<String, String> entry : map.entrySet()) {
				packer.packString(entry.getKey()).packString(entry.getValue());
			}
			return packer.toByteArray();
		}
	}

	private static byte[] withHeader(int flags, byte[] body) {
		return concat(new byte[] { 0x52, 0x50, 1, (byte) flags, 5, 0, 0, 0, 0 }, body);
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] both = Arrays.copyOf(a, a.length + b.length);
		System.arraycopy(b, 0, both, a.length, b.length);
		return both;
	}

	private void assertBad(byte[] message, String text) {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.msgpack.decode(message, 64 * 1024))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.BAD_MESSAGE);
				assertThat(ex.getMessage()).contains(text);
			});
	}

	private static int[] header(byte[] bytes) {
		int[] values = new int[BinaryFormat.HEADER_SIZE];
		for (int i = 0; i < values.length; i++) {
			values[i] = bytes[i] & 0xff;
		}
		return values;
	}

}

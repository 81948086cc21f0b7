package io.pushwire.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.StringNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PreparedMessage}.
 */
class PreparedMessageTests {

	private final ProtocolCodec json = new ProtocolCodec();

	private final Frame frame = new Frame("chat:a", null, StringNode.valueOf("hi"), null);

	@Test
	void jsonIsEncodedUpFrontAndTheSameBytesGoToEveryJsonConnection() {
		PreparedMessage prepared = PreparedMessage.of(this.json, this.frame);
		byte[] first = prepared.encoded(this.json);
		assertThat(new String(first)).isEqualTo(this.json.encode(this.frame));
		assertThat(prepared.encoded(new ProtocolCodec())).as("another JSON codec instance, same index").isSameAs(first);
	}

	@Test
	void anotherFormatIsEncodedOnFirstUseOnceAndShared() {
		CountingBinaryFormat binary = new CountingBinaryFormat(1);
		PreparedMessage prepared = PreparedMessage.of(this.json, this.frame);
		assertThat(binary.encodings()).isZero();
		byte[] first = prepared.encoded(binary);
		byte[] second = prepared.encoded(binary);
		assertThat(second).isSameAs(first);
		assertThat(binary.encodings()).isOne();
		assertThat(CountingBinaryFormat.json(first)).isEqualTo(this.json.encode(this.frame));
	}

	@Test
	void eachFormatKeepsItsOwnEncoding() {
		CountingBinaryFormat one = new CountingBinaryFormat(1);
		CountingBinaryFormat two = new CountingBinaryFormat(2);
		PreparedMessage prepared = PreparedMessage.of(this.json, this.frame);
		byte[] first = prepared.encoded(one);
		byte[] second = prepared.encoded(two);
		assertThat(first[0]).isEqualTo((byte) 1);
		assertThat(second[0]).isEqualTo((byte) 2);
		assertThat(prepared.encoded(one)).isSameAs(first);
		assertThat(prepared.encoded(two)).isSameAs(second);
		assertThat(one.encodings() + two.encodings()).isEqualTo(2);
	}

	@Test
	void concurrentFirstUsesAllGetTheOneEncodingThatIsKept() throws Exception {
		CountingBinaryFormat binary = new CountingBinaryFormat(3);
		PreparedMessage prepared = PreparedMessage.of(this.json, this.frame);
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService executor = Executors.newFixedThreadPool(3);
		try {
			List<Future<byte[]>> results = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				results.add(executor.submit(() -> {
					start.await();
					return prepared.encoded(binary);
				}));
			}
			start.countDown();
			byte[] kept = prepared.encoded(binary);
			for (Future<byte[]> result : results) {
				assertThat(result.get(5, TimeUnit.SECONDS)).isSameAs(kept);
			}
			assertThat(prepared.encoded(binary)).isSameAs(kept);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aFormatIndexOutOfRangeIsRefusedWithTheRange() {
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> new CountingBinaryFormat(8))
			.withMessageContaining("between 0 and 7");
	}

}

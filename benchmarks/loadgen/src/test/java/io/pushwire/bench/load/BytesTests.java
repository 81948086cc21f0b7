package io.pushwire.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BytesTests {

	@Test
	void readsCursorSequenceAndSendTimeOfAPushwireFrame() {
		ByteBuf frame = Unpooled.copiedBuffer(
				"{\"channel\":\"bench\",\"cursor\":42,\"payload\":{\"seq\":1000000007,\"t\":1764085000123456,\"pad\":\"x\"}}",
				StandardCharsets.UTF_8);
		Bytes.Reader message = Bytes.Reader.of(frame);
		assertThat(message.next(Bytes.CURSOR)).isEqualTo(42);
		assertThat(message.next(Bytes.SEQ)).isEqualTo(1000000007L);
		assertThat(message.next(Bytes.T)).isEqualTo(1764085000123456L);
	}

	@Test
	void readsTheBodyOfAStompMessage() {
		ByteBuf frame = Unpooled.copiedBuffer("MESSAGE\ndestination:/topic/bench\ncontent-type:text/plain\n\n"
				+ "{\"seq\":3,\"t\":99,\"pad\":\"x\"}\u0000", StandardCharsets.UTF_8);
		Bytes.Reader message = Bytes.Reader.of(frame);
		assertThat(message.next(Bytes.SEQ)).isEqualTo(3);
		assertThat(message.next(Bytes.CURSOR)).isEqualTo(-1);
		// An absent key leaves the position: a later key is still found.
		assertThat(message.next(Bytes.T)).isEqualTo(99);
		assertThat(message.next(Bytes.SEQ)).isEqualTo(-1);
	}

	@Test
	void readsTheEpochAndResumeCursorOfAuthOk() {
		String authOk = "{\"type\":\"auth_ok\",\"client_id\":\"c\",\"resume_cursors\":{\"bench\":17},\"heads\":{\"bench\":17},"
				+ "\"epochs\":{\"bench\":\"Xb3k\"},\"heartbeat_ms\":25000}";
		assertThat(Bytes.stringAfter(authOk, "\"type\":")).isEqualTo("auth_ok");
		assertThat(Bytes.longAfter(authOk.substring(authOk.indexOf("\"resume_cursors\"")), "\"bench\":")).isEqualTo(17);
		assertThat(Bytes.stringAfter(authOk.substring(authOk.indexOf("\"epochs\"")), "\"bench\":")).isEqualTo("Xb3k");
	}

	@Test
	void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
		assertThat(Summary.median(List.of(3.0, 1.0, 4.0, 2.0))).isEqualTo(2.5);
		assertThat(Summary.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
	}

}

package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.FragmentAssembler;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.WireIds;
import io.pushwire.core.ZstdBodies;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A {@link TestWebSocketClient} on {@code ?format=msgpack} or {@code cbor}: sends JSON
 * written in a test as binary messages of that format, and reads binary messages back
 * (reassembling fragments) as the JSON tree of the message, keeping the header of what
 * arrived.
 */
final class BinaryTestClient implements AutoCloseable {

	private static final ProtocolCodec JSON = new ProtocolCodec();

	private final TestWebSocketClient client;

	private final BinaryFormat format;

	private final FragmentAssembler fragments = new FragmentAssembler(16 * 1024 * 1024, System::currentTimeMillis);

	private BinaryTestClient(TestWebSocketClient client, BinaryFormat format) {
		this.client = client;
		this.format = format;
	}

	static BinaryTestClient connect(int port, String format) {
		BinaryFormat binary = "cbor".equals(format) ? BinaryFormat.cbor(JSON, WireIds.none(), ZstdBodies.plain())
				: BinaryFormat.msgpack(JSON, WireIds.none(), ZstdBodies.plain());
		return new BinaryTestClient(TestWebSocketClient.connect(port, "/rps?format=" + format, (headers) -> {
		}), binary);
	}

	TestWebSocketClient raw() {
		return this.client;
	}

	BinaryFormat format() {
		return this.format;
	}

	/** Send a message written as JSON, encoded in this client's format. */
	void send(String json) {
		this.client.sendBinary(encode(json));
	}

	byte[] encode(String json) {
		return this.format.toBytes(JSON.decode(json));
	}

	/** Send auth (announcing fragments or not) and return auth_ok. */
	Received auth(String token, List<String> capabilities, boolean fragments) {
		ObjectNode auth = TestWebSocketClient.mapper().createObjectNode();
		auth.put("type", "auth");
		auth.put("token", token);
		auth.set("capabilities", TestWebSocketClient.mapper().valueToTree(capabilities));
		if (fragments) {
			auth.set("features", TestWebSocketClient.mapper().valueToTree(List.of("fragments")));
		}
		send(auth.toString());
		return expect("auth_ok");
	}

	/** The next message, reassembled from fragments if it came in fragments. */
	Received next() {
		long deadline = System.nanoTime() + TestWebSocketClient.TIMEOUT.toNanos();
		int pieces = 0;
		byte[] first = null;
		while (true) {
			byte[] bytes = this.client.pollBinary(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
			if (bytes == null) {
				fail("No binary message within " + TestWebSocketClient.TIMEOUT);
			}
			BinaryFormat.checkHeader(bytes);
			if (first == null) {
				first = bytes;
			}
			byte[] whole = bytes;
			if (BinaryFormat.isFragment(bytes)) {
				pieces++;
				whole = this.fragments.accept(bytes);
				if (whole == null) {
					continue;
				}
			}
			JsonNode json = TestWebSocketClient.mapper()
				.readTree(JSON.encode(this.format.decodeFromServer(whole, 16 * 1024 * 1024)));
			return new Received(first, whole, pieces, json);
		}
	}

	/** The next message that is not a ping, answering pings. */
	Received nextNonPing() {
		while (true) {
			Received message = next();
			if ("ping".equals(message.json().path("type").asString(""))) {
				send("{\"type\":\"pong\"}");
				continue;
			}
			return message;
		}
	}

	Received expect(String type) {
		Received message = nextNonPing();
		assertThat(message.json().path("type").asString("")).as("message %s", message.json()).isEqualTo(type);
		return message;
	}

	Received expectFrame() {
		Received message = nextNonPing();
		assertThat(message.json().has("channel")).as("frame expected, got %s", message.json()).isTrue();
		return message;
	}

	@Override
	public void close() {
		this.client.close();
	}

	/**
	 * A message received.
	 *
	 * @param first the first WebSocket message (the fragment, for a fragmented one)
	 * @param whole the whole message, reassembled
	 * @param fragments how many fragments it came in, 0 when whole
	 * @param json the message as the JSON tree it maps to
	 */
	record Received(byte[] first, byte[] whole, int fragments, JsonNode json) {

		int flags() {
			return this.whole[3] & 0xff;
		}

		int wireId() {
			return this.whole[4] & 0xff;
		}

		long sequence() {
			return ((this.whole[5] & 0xffL) << 24) | ((this.whole[6] & 0xffL) << 16) | ((this.whole[7] & 0xffL) << 8)
					| (this.whole[8] & 0xffL);
		}

	}

}

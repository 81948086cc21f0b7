package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.Fragments;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binary frames end to end (PROTOCOL.md §8.1): the handshake, publishing and receiving in
 * MessagePack and CBOR with and without zstd, bad input, and the refusal of an unknown
 * format before the upgrade.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.wire-id=10", "pushwire.server.channels.ticker.wire-id=11",
				"pushwire.server.max-message-size=8KB", "pushwire.server.fragment-size=2KB" })
class BinaryFramesIntegrationTests {

	static final String TOKEN = "token-alice";

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void handshakeIsBinaryAndListsFormatsAndWireIds(String format) {
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, format)) {
			BinaryTestClient.Received ok = client.auth(TOKEN, List.of("chat:hs-" + format), false);
			assertThat(ok.whole()[0]).isEqualTo((byte) 0x52);
			assertThat(ok.whole()[1]).isEqualTo((byte) 0x50);
			assertThat(ok.whole()[2]).isEqualTo((byte) 1);
			assertThat(ok.wireId()).isEqualTo(5);
			assertThat(ok.sequence()).isZero();
			assertThat(ok.json().path("features").toString()).contains("\"binary:msgpack\"", "\"binary:cbor\"",
					"\"zstd\"", "\"fragments\"");
			assertThat(ok.json().path("wire_ids").path("chat").asInt()).isEqualTo(10);
			assertThat(ok.json().path("wire_ids").path("ticker").asInt()).isEqualTo(11);
			assertThat(ok.json().path("wire_ids").path("system").asInt()).isEqualTo(5);
			assertThat(client.raw().hasText()).isFalse();
		}
	}

	@Test
	void jsonConnectionsListBinaryFeaturesButNoWireIds() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = client.auth(TOKEN, null, List.of());
			assertThat(ok.path("features").toString()).contains("\"binary:msgpack\"", "\"zstd\"", "\"fragments\"");
			assertThat(ok.has("wire_ids")).isFalse();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void receivesFramesWithTheKindsWireIdAndTheCursorAsSequence(String format) {
		String channel = "chat:recv-" + format;
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, format)) {
			client.auth(TOKEN, List.of(channel), false);
			this.pushServer.publish(channel, Map.of("n", 1, "text", "first")).block(Duration.ofSeconds(5));
			BinaryTestClient.Received replayed = client.expectFrame();
			assertThat(replayed.json().path("cursor").asLong()).isEqualTo(1);
			assertThat(replayed.sequence()).isEqualTo(1);
			this.pushServer.publish(channel, Map.of("n", 2, "pi", 3.25, "list", List.of(true, "x")))
				.block(Duration.ofSeconds(5));
			BinaryTestClient.Received live = client.expectFrame();
			assertThat(live.wireId()).isEqualTo(10);
			assertThat(live.sequence()).isEqualTo(2);
			assertThat(live.flags() & BinaryFormat.FLAG_ZSTD).isZero();
			assertThat(live.json().path("channel").asString()).isEqualTo(channel);
			assertThat(live.json().path("payload").path("pi").asDouble()).isEqualTo(3.25);
			assertThat(live.json().path("payload").path("list").toString()).isEqualTo("[true,\"x\"]");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void largeBodiesAreCompressedBothWays(String format) {
		String channel = "chat:zstd-" + format;
		String text = "a fairly repetitive chat message ".repeat(40);
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, format)) {
			client.auth(TOKEN, List.of(channel), false);
			byte[] sent = client.encode("{\"channel\":\"" + channel + "\",\"payload\":{\"text\":\"" + text + "\"}}");
			assertThat(sent[3] & BinaryFormat.FLAG_ZSTD).isEqualTo(BinaryFormat.FLAG_ZSTD);
			client.raw().sendBinary(sent);
			// The chat handler broadcasts the text back: the server read the compressed
			// body.
			BinaryTestClient.Received echoed = client.expectFrame();
			assertThat(echoed.json().path("payload").path("text").asString()).isEqualTo(text);
			assertThat(echoed.flags() & BinaryFormat.FLAG_ZSTD).isEqualTo(BinaryFormat.FLAG_ZSTD);
			assertThat(echoed.whole().length).isLessThan(text.length() / 4);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "msgpack", "cbor" })
	void badBinaryInputIsBadMessageAndTheConnectionStaysOpen(String format) {
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, format)) {
			client.auth(TOKEN, List.of(), false);
			byte[] ping = client.encode("{\"type\":\"ping\"}");
			byte[] badMagic = ping.clone();
			badMagic[0] = 0x7b;
			byte[] badVersion = ping.clone();
			badVersion[2] = 2;
			byte[] notABody = { 0x52, 0x50, 1, 0, 5, 0, 0, 0, 0, (byte) 0xc1, (byte) 0xff, 0x1c };
			byte[] corruptZstd = { 0x52, 0x50, 1, 1, 5, 0, 0, 0, 0, 0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x20, 5, 1, 2,
					3 };
			byte[] notAMap = client.encode("{\"type\":\"ping\"}").clone();
			notAMap = java.util.Arrays.copyOf(notAMap, BinaryFormat.HEADER_SIZE + 1);
			notAMap[BinaryFormat.HEADER_SIZE] = 0x07;
			for (byte[] bad : List.of(new byte[] { 0x52, 0x50 }, badMagic, badVersion, notABody, corruptZstd,
					notAMap)) {
				client.raw().sendBinary(bad);
				assertThat(client.expect("error").json().path("code").asString()).isEqualTo("bad_message");
			}
			client.raw().send("{\"type\":\"ping\"}");
			assertThat(client.expect("error").json().path("message").asString()).contains("binary");
			client.send("{\"type\":\"ping\"}");
			client.expect("pong");
		}
	}

	@Test
	void aTextMessageBeforeAuthOnABinaryConnectionCloses1008() {
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, "msgpack")) {
			client.raw().send("{\"type\":\"auth\",\"token\":\"token-alice\",\"capabilities\":[]}");
			assertThat(client.raw().awaitClose().code()).isEqualTo(1008);
		}
	}

	@Test
	void aBodyThatInflatesPastTheLimitCloses1009() {
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, "msgpack")) {
			client.auth(TOKEN, List.of(), false);
			// 20 KB of padding in an unknown key compresses to a few hundred bytes.
			byte[] bomb = client
				.encode("{\"channel\":\"chat:bomb\",\"payload\":{\"text\":\"" + "x".repeat(20_000) + "\"}}");
			assertThat(bomb.length).isLessThan(8 * 1024);
			client.raw().sendBinary(bomb);
			assertThat(client.expect("goodbye").json().path("reason").asString()).isEqualTo("too_large");
			assertThat(client.raw().awaitClose().code()).isEqualTo(1009);
		}
	}

	@Test
	void anUnknownFormatIsRefusedWith400BeforeTheUpgrade() throws Exception {
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port, "/rps?format=protobuf", Map.of())) {
			assertThat(client.response().status()).isEqualTo(400);
			JsonNode body = TestWebSocketClient.mapper().readTree(client.response().body());
			assertThat(body.path("code").asString()).isEqualTo("bad_message");
			assertThat(body.path("message").asString()).contains("protobuf", "msgpack", "cbor");
		}
		try (RawWebSocketClient client = RawWebSocketClient.connect(this.port, "/rps?format=MSGPACK", Map.of())) {
			assertThat(client.response().status()).isEqualTo(400);
		}
	}

	static String incompressible(int length, long seed) {
		Random random = new Random(seed);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((char) ('!' + random.nextInt(90)));
		}
		return text.toString().replace("\"", "'").replace("\\", "/");
	}

	@Test
	void aClientThatAnnouncedFragmentsGetsLargeMessagesInFragments() {
		String channel = "chat:frag-out";
		String text = incompressible(6000, 1);
		try (BinaryTestClient fragments = BinaryTestClient.connect(this.port, "cbor");
				BinaryTestClient whole = BinaryTestClient.connect(this.port, "cbor")) {
			fragments.auth(TOKEN, List.of(channel), true);
			whole.auth(TOKEN, List.of(channel), false);
			this.pushServer.publish(channel, Map.of("text", text)).block(Duration.ofSeconds(5));
			BinaryTestClient.Received split = fragments.expectFrame();
			assertThat(split.fragments()).isEqualTo(3);
			assertThat(split.first().length).isLessThanOrEqualTo(2048);
			assertThat(split.first()[3] & BinaryFormat.FLAG_FRAGMENT).isEqualTo(BinaryFormat.FLAG_FRAGMENT);
			assertThat(split.wireId()).isEqualTo(10);
			assertThat(split.json().path("payload").path("text").asString()).isEqualTo(text);
			BinaryTestClient.Received single = whole.expectFrame();
			assertThat(single.fragments()).isZero();
			assertThat(single.json()).isEqualTo(split.json());
		}
	}

	@Test
	void theServerReassemblesFragmentsAClientSends() {
		String channel = "chat:frag-in";
		String text = incompressible(5000, 2);
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, "msgpack")) {
			client.auth(TOKEN, List.of(channel), false);
			byte[] message = client.encode("{\"channel\":\"" + channel + "\",\"payload\":{\"text\":\"" + text + "\"}}");
			byte[][] pieces = Fragments.split(message, Fragments.MIN_FRAGMENT_SIZE);
			assertThat(pieces.length).isGreaterThan(4);
			// Out of order: the receiver orders by index.
			for (int i = pieces.length - 1; i >= 0; i--) {
				client.raw().sendBinary(pieces[i]);
			}
			assertThat(client.expectFrame().json().path("payload").path("text").asString()).isEqualTo(text);
		}
	}

	@Test
	void fragmentsThatBreakTheRulesAreBadMessage() {
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, "msgpack")) {
			client.auth(TOKEN, List.of(), false);
			byte[] message = client
				.encode("{\"channel\":\"chat:pad\",\"payload\":\"" + incompressible(3000, 3) + "\"}");
			byte[][] pieces = Fragments.split(message, Fragments.MIN_FRAGMENT_SIZE);
			assertThat(pieces.length).isGreaterThanOrEqualTo(3);
			// total 0
			client.raw().sendBinary(withTotalAndIndex(pieces[0], 0, 0));
			expectBadMessage(client, "total");
			// index >= total
			client.raw().sendBinary(withTotalAndIndex(pieces[0], pieces.length, pieces.length));
			expectBadMessage(client, "index");
			// a repeated index
			client.raw().sendBinary(pieces[0]);
			client.raw().sendBinary(pieces[0]);
			expectBadMessage(client, "twice");
			// a changed total
			client.raw().sendBinary(pieces[1]);
			client.raw().sendBinary(withTotalAndIndex(pieces[2], pieces.length + 1, 2));
			expectBadMessage(client, "total changed");
			// the connection stays open and whole messages still work
			client.send("{\"type\":\"ping\"}");
			client.expect("pong");
		}
	}

	@Test
	void atMostSixteenPartialMessagesPerConnection() {
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, "msgpack")) {
			client.auth(TOKEN, List.of(), false);
			for (int i = 0; i < 17; i++) {
				byte[] message = client
					.encode("{\"channel\":\"chat:pad\",\"payload\":\"" + incompressible(2000, 10 + i) + "\"}");
				client.raw().sendBinary(Fragments.split(message, Fragments.MIN_FRAGMENT_SIZE)[0]);
			}
			expectBadMessage(client, "16");
			client.send("{\"type\":\"ping\"}");
			client.expect("pong");
		}
	}

	@Test
	void aFragmentedMessageLargerThanTheLimitCloses1009() {
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, "msgpack")) {
			client.auth(TOKEN, List.of(), false);
			byte[] message = client
				.encode("{\"channel\":\"chat:pad\",\"payload\":\"" + incompressible(12_000, 4) + "\"}");
			for (byte[] piece : Fragments.split(message, 4096)) {
				client.raw().sendBinary(piece);
			}
			assertThat(client.expect("goodbye").json().path("reason").asString()).isEqualTo("too_large");
			assertThat(client.raw().awaitClose().code()).isEqualTo(1009);
		}
	}

	private static void expectBadMessage(BinaryTestClient client, String text) {
		BinaryTestClient.Received error = client.expect("error");
		assertThat(error.json().path("code").asString()).isEqualTo("bad_message");
		assertThat(error.json().path("message").asString()).contains(text);
	}

	private static byte[] withTotalAndIndex(byte[] fragment, int total, int index) {
		byte[] copy = fragment.clone();
		int at = BinaryFormat.HEADER_SIZE + 16;
		copy[at] = (byte) (total >>> 8);
		copy[at + 1] = (byte) total;
		copy[at + 2] = (byte) (index >>> 8);
		copy[at + 3] = (byte) index;
		return copy;
	}

}

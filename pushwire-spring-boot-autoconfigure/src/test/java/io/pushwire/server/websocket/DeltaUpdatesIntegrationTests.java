package io.pushwire.server.websocket;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.DeltaDocuments;
import io.pushwire.core.DeltaFrame;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delta updates end to end over real WebSocket connections (PROTOCOL.md §8.3): the first
 * frame of a channel on a connection is full, the next ones are Fossil deltas against the
 * previous payload whose result has the announced hash; replays start full, a fresh or
 * repeated subscription starts full, a kind without deltas and an unknown encoding get
 * full frames, and MessagePack carries the same delta object.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.doc.delta=fossil", "pushwire.server.channels.plain.priority=normal" })
class DeltaUpdatesIntegrationTests {

	static final String TOKEN = "token-alice";

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Test
	void framesAfterTheFirstAreDeltasWhoseResultHasTheAnnouncedHash() {
		String channel = "doc:first";
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			JsonNode ok = auth(client, channel, Map.of("doc", "fossil"), null);
			assertThat(ok.path("features").toString()).contains("\"delta:fossil\"");
			publish(channel, 1);
			JsonNode first = client.expectFrame();
			assertThat(first.has("delta")).isFalse();
			assertThat(first.path("payload")).isEqualTo(DeltaDocuments.document(1));
			byte[] previous = json(first.path("payload"));
			for (int n = 2; n <= 4; n++) {
				publish(channel, n);
				JsonNode frame = client.expectFrame();
				assertThat(frame.has("payload")).isFalse();
				assertThat(frame.path("cursor").asLong()).isEqualTo(n);
				JsonNode delta = frame.path("delta");
				assertThat(delta.path("base").asLong()).isEqualTo(n - 1);
				byte[] result = apply(delta, previous);
				assertThat(TestWebSocketClient.mapper().readTree(result)).isEqualTo(DeltaDocuments.document(n));
				// A change of one field in a 2 KB document: a small fraction of the
				// frame.
				assertThat(frame.toString().length()).isLessThan(previous.length / 4);
				previous = result;
			}
		}
	}

	@Test
	void aReplayStartsWithAFullFrameAndLiveFramesAfterItAreDeltas() {
		String channel = "doc:replay";
		for (int n = 1; n <= 3; n++) {
			publish(channel, n);
		}
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			auth(client, channel, Map.of(channel, "fossil"), 0L);
			for (int n = 1; n <= 3; n++) {
				JsonNode replayed = client.expectFrame();
				assertThat(replayed.path("cursor").asLong()).isEqualTo(n);
				assertThat(replayed.path("payload")).isEqualTo(DeltaDocuments.document(n));
			}
			publish(channel, 4);
			JsonNode live = client.expectFrame();
			assertThat(live.path("delta").path("base").asLong()).isEqualTo(3);
			assertThat(
					TestWebSocketClient.mapper().readTree(apply(live.path("delta"), json(DeltaDocuments.document(3)))))
				.isEqualTo(DeltaDocuments.document(4));
		}
	}

	@Test
	void aSubscriptionThatMissedFramesStartsAgainWithAFullFrame() {
		String channel = "doc:skip";
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			auth(client, channel, Map.of("doc", "fossil"), null);
			publish(channel, 1);
			client.expectFrame();
			client.send("{\"type\":\"unsubscribe\",\"channels\":[\"" + channel + "\"]}");
			client.expect("unsubscribed");
			publish(channel, 2);
			client.send("{\"type\":\"subscribe\",\"channels\":[\"" + channel + "\"],\"delta\":{\"doc\":\"fossil\"}}");
			client.expect("subscribed");
			publish(channel, 3);
			JsonNode full = client.expectFrame();
			assertThat(full.path("cursor").asLong()).isEqualTo(3);
			assertThat(full.path("payload")).isEqualTo(DeltaDocuments.document(3));
			publish(channel, 4);
			assertThat(client.expectFrame().path("delta").path("base").asLong()).isEqualTo(3);
		}
	}

	@Test
	void subscribingAgainToASubscribedChannelFromACursorResumesWithAFullFrame() {
		String channel = "doc:again";
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			auth(client, channel, Map.of("doc", "fossil"), null);
			publish(channel, 1);
			publish(channel, 2);
			client.expectFrame();
			assertThat(client.expectFrame().has("delta")).isTrue();
			// What a client does when a delta does not apply: subscribe again from the
			// last cursor it processed.
			client.send("{\"type\":\"subscribe\",\"channels\":[\"" + channel + "\"],\"cursors\":{\"" + channel
					+ "\":1},\"delta\":{\"" + channel + "\":\"fossil\"}}");
			JsonNode subscribed = client.expect("subscribed");
			assertThat(subscribed.path("heads").path(channel).asLong()).isEqualTo(1);
			JsonNode replayed = client.expectFrame();
			assertThat(replayed.path("cursor").asLong()).isEqualTo(2);
			assertThat(replayed.path("payload")).isEqualTo(DeltaDocuments.document(2));
			publish(channel, 3);
			assertThat(client.expectFrame().path("delta").path("base").asLong()).isEqualTo(2);
		}
	}

	@Test
	void aKindWithoutDeltasAndAnUnknownEncodingGetFullFrames() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"" + TOKEN + "\",\"capabilities\":[\"plain:a\",\"doc:unknown\"],"
					+ "\"delta\":{\"plain\":\"fossil\",\"doc\":\"xdelta\"}}");
			client.expect("auth_ok");
			for (int n = 1; n <= 3; n++) {
				publish("plain:a", n);
				publish("doc:unknown", n);
				for (int i = 0; i < 2; i++) {
					JsonNode frame = client.expectFrame();
					assertThat(frame.has("delta")).as("%s", frame).isFalse();
					assertThat(frame.path("payload")).isEqualTo(DeltaDocuments.document(n));
				}
			}
		}
	}

	@Test
	void aClientThatDoesNotAskGetsFullFrames() {
		String channel = "doc:unasked";
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth(TOKEN, null, List.of(channel));
			for (int n = 1; n <= 3; n++) {
				publish(channel, n);
				assertThat(client.expectFrame().path("payload")).isEqualTo(DeltaDocuments.document(n));
			}
		}
	}

	@Test
	void aClientSendingADeltaFrameGetsBadMessage() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth(TOKEN, null, List.of());
			client.send("{\"channel\":\"doc:x\",\"cursor\":2,\"delta\":{\"base\":1,\"fossil\":\"\",\"sha256\":\""
					+ "0".repeat(64) + "\"}}");
			assertThat(client.expect("error").path("code").asString()).isEqualTo("bad_message");
			client.send("{\"type\":\"ping\"}");
			client.expect("pong");
		}
	}

	@Test
	void messagePackCarriesTheDeltaObject() {
		String channel = "doc:msgpack";
		try (BinaryTestClient client = BinaryTestClient.connect(this.port, "msgpack")) {
			client.send("{\"type\":\"auth\",\"token\":\"" + TOKEN + "\",\"capabilities\":[\"" + channel
					+ "\"],\"delta\":{\"doc\":\"fossil\"}}");
			client.expect("auth_ok");
			publish(channel, 1);
			BinaryTestClient.Received first = client.expectFrame();
			assertThat(first.json().path("payload")).isEqualTo(DeltaDocuments.document(1));
			publish(channel, 2);
			BinaryTestClient.Received second = client.expectFrame();
			assertThat(second.sequence()).isEqualTo(2);
			assertThat(second.json().has("payload")).isFalse();
			JsonNode delta = second.json().path("delta");
			assertThat(delta.path("base").asLong()).isEqualTo(1);
			assertThat(TestWebSocketClient.mapper().readTree(apply(delta, json(first.json().path("payload")))))
				.isEqualTo(DeltaDocuments.document(2));
			// Smaller than the full frame even though the full one is zstd-compressed.
			assertThat(second.whole().length).isLessThan(first.whole().length);
		}
	}

	private JsonNode auth(TestWebSocketClient client, String channel, Map<String, String> delta, Long cursor) {
		Map<String, Object> auth = new LinkedHashMap<>();
		auth.put("type", "auth");
		auth.put("token", TOKEN);
		auth.put("capabilities", List.of(channel));
		auth.put("delta", delta);
		if (cursor != null) {
			auth.put("resume_cursors", Map.of(channel, cursor));
		}
		client.send(auth);
		return client.expect("auth_ok");
	}

	private void publish(String channel, int n) {
		this.pushServer.publish(channel, DeltaDocuments.document(n)).block(Duration.ofSeconds(5));
	}

	private static byte[] json(JsonNode payload) {
		return TestWebSocketClient.mapper().writeValueAsBytes(payload);
	}

	private static byte[] apply(JsonNode delta, byte[] source) {
		return new DeltaFrame.Delta(delta.path("base").asLong(), delta.path("fossil").asString(),
				delta.path("sha256").asString())
			.apply(source, 1024 * 1024);
	}

}

package io.pushwire.server.asset;

import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.Asset;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.AssetPublishResult;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assets end to end (PROTOCOL.md §9): published with {@link PushServer#publishAsset},
 * received over a real WebSocket inline or by pointer, and downloaded from
 * {@code /rps/assets/{sha256}} with its authorization, caching and range answers; and the
 * refusals.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.pics.priority=normal",
				"pushwire.server.channels.secret.subscribe=owner", "pushwire.server.channels.tiny.history-size=1",
				"pushwire.server.channels.full.history-size=1024", "pushwire.server.assets.inline-limit=1KB",
				"pushwire.server.assets.max-size=8KB", "pushwire.server.assets.max-stored-bytes=1MB" })
class AssetIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Autowired
	AssetStore store;

	@Test
	void smallAssetArrivesInlineWithMatchingSizeAndHash() {
		byte[] bytes = bytes(1024, 1);
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of("pics:inline"));
			AssetPublishResult result = publish("pics:inline", bytes, "image/png", "a.png");
			JsonNode payload = client.expectFrame().path("payload");
			assertThat(payload.path("type").asString()).isEqualTo("inline");
			assertThat(payload.path("mime").asString()).isEqualTo("image/png");
			assertThat(payload.path("name").asString()).isEqualTo("a.png");
			assertThat(payload.path("size").asLong()).isEqualTo(1024);
			assertThat(payload.path("sha256").asString()).isEqualTo(Asset.sha256Hex(bytes));
			assertThat(payload.has("url")).isFalse();
			assertThat(Base64.getDecoder().decode(payload.path("data_base64").asString())).isEqualTo(bytes);
			assertThat(Asset.fromPayload(payload)).isEqualTo(result.asset());
			assertThat(result.published().cursor()).isEqualTo(1);
		}
		// Only ever sent inline: nothing to download.
		assertThat(get(Asset.sha256Hex(bytes), "token-alice", null).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	void largerAssetArrivesByPointerAndDownloadsWithItsHeaders() {
		byte[] bytes = bytes(1025, 2);
		String sha256 = Asset.sha256Hex(bytes);
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of("pics:pointer"));
			publish("pics:pointer", bytes, "Image/PNG; charset=binary", null);
			JsonNode payload = client.expectFrame().path("payload");
			assertThat(payload.path("type").asString()).isEqualTo("pointer");
			assertThat(payload.path("mime").asString()).isEqualTo("image/png");
			assertThat(payload.path("url").asString()).isEqualTo("/rps/assets/" + sha256);
			assertThat(payload.path("size").asLong()).isEqualTo(1025);
			assertThat(payload.has("data_base64")).isFalse();
			assertThat(payload.has("name")).isFalse();
		}
		ResponseEntity<byte[]> response = get(sha256, "token-bob", null);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(response.getBody()).isEqualTo(bytes);
		HttpHeaders headers = response.getHeaders();
		assertThat(headers.getContentType()).hasToString("image/png");
		assertThat(headers.getContentLength()).isEqualTo(1025);
		assertThat(headers.getETag()).isEqualTo("\"" + sha256 + "\"");
		assertThat(headers.getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
		assertThat(headers.getCacheControl()).isEqualTo("private");
	}

	@Test
	void downloadIsRefusedWithoutCredentialsForAnUnknownHashAndToWhoMayNotSubscribe() {
		byte[] bytes = bytes(2000, 3);
		String sha256 = Asset.sha256Hex(bytes);
		publish("secret:bob", bytes, "image/gif", "b.gif");
		assertThat(get(sha256, null, null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(get(sha256, "wrong", null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		ResponseEntity<byte[]> unknown = get("0".repeat(64), "token-bob", null);
		assertThat(unknown.getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		assertThat(new String(unknown.getBody())).contains("\"not_found\"");
		assertThat(get("not-a-hash", "token-bob", null).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		ResponseEntity<byte[]> forbidden = get(sha256, "token-alice", null);
		assertThat(forbidden.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
		assertThat(new String(forbidden.getBody())).contains("\"forbidden\"");
		assertThat(get(sha256, "token-bob", null).getBody()).isEqualTo(bytes);
		// Published on a channel alice may read as well: now she may download it.
		publish("pics:shared", bytes, "image/gif", "b.gif");
		assertThat(get(sha256, "token-alice", null).getStatusCode()).isEqualTo(HttpStatus.OK);
	}

	@Test
	void matchingIfNoneMatchIsNotModifiedAndRangesArePartial() {
		byte[] bytes = bytes(3000, 4);
		String sha256 = Asset.sha256Hex(bytes);
		publish("pics:range", bytes, "image/webp", null);
		ResponseEntity<byte[]> cached = get(sha256, "token-alice",
				(headers) -> headers.setIfNoneMatch("\"" + sha256 + "\""));
		assertThat(cached.getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
		assertThat(cached.getBody()).isNull();
		assertThat(get(sha256, "token-alice", (headers) -> headers.setIfNoneMatch("\"other\"")).getStatusCode())
			.isEqualTo(HttpStatus.OK);
		ResponseEntity<byte[]> part = get(sha256, "token-alice",
				(headers) -> headers.set(HttpHeaders.RANGE, "bytes=100-199"));
		assertThat(part.getStatusCode()).isEqualTo(HttpStatus.PARTIAL_CONTENT);
		assertThat(part.getHeaders().getFirst(HttpHeaders.CONTENT_RANGE)).isEqualTo("bytes 100-199/3000");
		assertThat(part.getBody()).isEqualTo(Arrays.copyOfRange(bytes, 100, 200));
		ResponseEntity<byte[]> suffix = get(sha256, "token-alice",
				(headers) -> headers.set(HttpHeaders.RANGE, "bytes=-10"));
		assertThat(suffix.getBody()).isEqualTo(Arrays.copyOfRange(bytes, 2990, 3000));
		ResponseEntity<byte[]> beyond = get(sha256, "token-alice",
				(headers) -> headers.set(HttpHeaders.RANGE, "bytes=5000-6000"));
		assertThat(beyond.getStatusCode()).isEqualTo(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
		assertThat(beyond.getHeaders().getFirst(HttpHeaders.CONTENT_RANGE)).isEqualTo("bytes */3000");
	}

	@Test
	void refusesUnknownChannelThenTypeThenSizeAndPublishesNothing() {
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of("pics:refused"));
			expectError(this.pushServer.publishAsset("nope:x", bytes(10, 5), "text/html", null),
					ErrorCode.UNKNOWN_CHANNEL);
			expectError(this.pushServer.publishAsset("pics:refused", bytes(9000, 5), "text/html", null),
					ErrorCode.UNSUPPORTED_MEDIA_TYPE);
			expectError(this.pushServer.publishAsset("pics:refused", bytes(10, 5), "", null),
					ErrorCode.UNSUPPORTED_MEDIA_TYPE);
			expectError(this.pushServer.publishAsset("pics:refused", bytes(8 * 1024 + 1, 5), "image/png", null),
					ErrorCode.TOO_LARGE);
			expectError(this.pushServer.publishAsset("pics:refused", new ByteArrayResource(bytes(8 * 1024 + 1, 5)),
					"image/png", null), ErrorCode.TOO_LARGE);
			expectError(this.pushServer.publishAsset("pics:refused", bytes(10, 5), "image/png", "bad\nname"),
					ErrorCode.BAD_MESSAGE);
			client.expectSilence(Duration.ofMillis(200));
			// The largest allowed size passes, from a resource too.
			AssetPublishResult result = this.pushServer
				.publishAsset("pics:refused", new ByteArrayResource(bytes(8 * 1024, 5)), "image/png", "max.png")
				.block(TIMEOUT);
			assertThat(client.expectFrame().path("payload").path("sha256").asString())
				.isEqualTo(result.asset().sha256());
		}
	}

	private AssetPublishResult publish(String channel, byte[] bytes, String mime, String name) {
		AssetPublishResult result = this.pushServer.publishAsset(channel, bytes, mime, name).block(TIMEOUT);
		assertThat(result).isNotNull();
		assertThat(result.asset().size()).isEqualTo(bytes.length);
		assertThat(result.asset().sha256()).isEqualTo(Asset.sha256Hex(bytes));
		return result;
	}

	private static void expectError(reactor.core.publisher.Mono<?> publish, ErrorCode code) {
		StepVerifier.create(publish)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(ProtocolException.class,
					(protocol) -> assertThat(protocol.code()).isEqualTo(code)))
			.verify(TIMEOUT);
	}

	private ResponseEntity<byte[]> get(String sha256, String token, java.util.function.Consumer<HttpHeaders> headers) {
		String query = (token != null) ? "?token=" + token : "";
		return WebClient.create("http://localhost:" + this.port)
			.get()
			.uri("/rps/assets/" + sha256 + query)
			.headers((h) -> {
				if (headers != null) {
					headers.accept(h);
				}
			})
			.exchangeToMono((response) -> response.toEntity(byte[].class))
			.block(TIMEOUT);
	}

	static byte[] bytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}

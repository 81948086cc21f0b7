package io.pushwire.server.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
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
import io.pushwire.server.TestWebSocketClient;
import io.pushwire.server.asset.AssetStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assets by pointer on two nodes of one Redis ({@code pushwire.server.store=redis}): a
 * pointer published on one node downloads from the other with the same bytes, ETag and
 * ranges; while Redis is down the download answers 503 and a publish {@code unavailable}
 * (last, since its Redis comes back empty).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisAssetsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static RedisTestServer redis;

	private static RedisNodes nodes;

	@BeforeAll
	static void startNodes() {
		redis = RedisTestServer.startDedicated();
		nodes = RedisNodes.start(redis, 2, RedisNodesIntegrationTests
			.properties("pushwire.server.channels.pics.priority=normal", "pushwire.server.redis.command-timeout=1s"));
	}

	@AfterAll
	static void stopNodes() {
		if (nodes != null) {
			nodes.close();
		}
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	@Order(1)
	@Timeout(60)
	void pointerPublishedOnOneNodeDownloadsFromTheOtherWithItsEtagAndRanges() {
		assertThat(nodes.bean(0, AssetStore.class)).isInstanceOf(RedisAssetStore.class);
		byte[] bytes = RedisAssetStoreTests.bytes(300 * 1024, 21);
		String sha256 = Asset.sha256Hex(bytes);
		try (TestWebSocketClient subscriber = TestWebSocketClient.connect(nodes.port(1))) {
			subscriber.auth("token-alice", null, List.of("pics:shared"));
			AssetPublishResult result = nodes.bean(0, PushServer.class)
				.publishAsset("pics:shared", bytes, "image/png", "big.png")
				.block(WAIT);
			assertThat(result.asset()).isInstanceOf(Asset.Pointer.class);
			JsonNode payload = subscriber.expectFrame().path("payload");
			assertThat(payload.path("type").asString()).isEqualTo("pointer");
			assertThat(payload.path("url").asString()).isEqualTo("/rps/assets/" + sha256);
		}
		ResponseEntity<byte[]> whole = get(1, sha256, (headers) -> {
		});
		assertThat(whole.getStatusCode()).isEqualTo(HttpStatus.OK);
		assertThat(whole.getBody()).isEqualTo(bytes);
		assertThat(whole.getHeaders().getETag()).isEqualTo("\"" + sha256 + "\"");
		assertThat(whole.getHeaders().getContentType()).hasToString("image/png");
		assertThat(whole.getHeaders().getContentLength()).isEqualTo(bytes.length);
		ResponseEntity<byte[]> range = get(1, sha256, (headers) -> headers.set(HttpHeaders.RANGE, "bytes=1000-1999"));
		assertThat(range.getStatusCode()).isEqualTo(HttpStatus.PARTIAL_CONTENT);
		assertThat(range.getHeaders().getFirst(HttpHeaders.CONTENT_RANGE)).isEqualTo("bytes 1000-1999/" + bytes.length);
		assertThat(range.getBody()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 2000));
		ResponseEntity<byte[]> cached = get(1, sha256,
				(headers) -> headers.set(HttpHeaders.IF_NONE_MATCH, "\"" + sha256 + "\""));
		assertThat(cached.getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
		// The publishing node serves it too.
		assertThat(get(0, sha256, (headers) -> {
		}).getBody()).isEqualTo(bytes);
		assertThat(get(1, "0".repeat(64), (headers) -> {
		}).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
	}

	@Test
	@Order(2)
	@Timeout(60)
	void downloadAnswers503AndPublishUnavailableWhileRedisIsDown() {
		byte[] bytes = RedisAssetStoreTests.bytes(300 * 1024, 22);
		String sha256 = Asset.sha256Hex(bytes);
		nodes.bean(0, PushServer.class).publishAsset("pics:down", bytes, "image/png", null).block(WAIT);
		redis.stop();
		try {
			ResponseEntity<byte[]> down = get(1, sha256, (headers) -> {
			});
			assertThat(down.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
			assertThat(new String(down.getBody())).contains("\"unavailable\"");
			StepVerifier
				.create(nodes.bean(1, PushServer.class)
					.publishAsset("pics:down", RedisAssetStoreTests.bytes(300 * 1024, 23), "image/png", null))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(ProtocolException.class,
						(protocol) -> assertThat(protocol.code()).isEqualTo(ErrorCode.UNAVAILABLE)))
				.verify(Duration.ofSeconds(10));
		}
		finally {
			redis.start();
		}
	}

	private static ResponseEntity<byte[]> get(int node, String sha256, Consumer<HttpHeaders> headers) {
		return WebClient.builder()
			.baseUrl("http://localhost:" + nodes.port(node))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(1 << 20))
			.build()
			.get()
			.uri("/rps/assets/" + sha256 + "?token=token-alice")
			.headers(headers)
			.exchangeToMono((response) -> response.toEntity(byte[].class))
			.block(WAIT);
	}

}

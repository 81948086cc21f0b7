package io.pushwire.server.asset;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.test.StepVerifier;

import io.pushwire.core.Asset;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The asset store's bound ({@code pushwire.server.assets.max-stored-bytes}): when full,
 * the assets that no frame in a replay window refers to make room; a publish that still
 * does not fit fails with {@code unavailable} and publishes nothing.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.tiny.history-size=1",
				"pushwire.server.channels.full.history-size=1024", "pushwire.server.assets.inline-limit=1KB",
				"pushwire.server.assets.max-size=8KB", "pushwire.server.assets.max-stored-bytes=12KB" })
class AssetStoreBoundIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Autowired
	AssetStore store;

	@Test
	void fullStoreEvictsOnlyAssetsNoRetainedFrameRefersTo() {
		// 12 KB of room; tiny keeps one frame per channel, full keeps them all.
		byte[] first = bytes(5000, 6);
		byte[] second = bytes(5000, 7);
		byte[] third = bytes(5000, 8);
		byte[] fourth = bytes(5000, 9);
		publish("tiny:x", first, "image/png", null);
		publish("tiny:x", second, "image/png", null);
		// first's frame left tiny:x's window: it makes room for third.
		publish("full:x", third, "image/png", null);
		assertThat(get(Asset.sha256Hex(first), "token-alice").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
		// second and third are still referred to: fourth does not fit, and is not
		// published.
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth("token-alice", null, List.of("full:x"));
			expectError(this.pushServer.publishAsset("full:x", fourth, "image/png", null), ErrorCode.UNAVAILABLE);
			client.expectSilence(Duration.ofMillis(200));
		}
		assertThat(get(Asset.sha256Hex(second), "token-alice").getBody()).isEqualTo(second);
		assertThat(get(Asset.sha256Hex(third), "token-alice").getBody()).isEqualTo(third);
		assertThat(this.store.storedBytes()).isLessThanOrEqualTo(12 * 1024);
		// The same bytes again are the same asset: no new room needed.
		publish("full:y", third, "image/png", null);
	}

	private void publish(String channel, byte[] bytes, String mime, String name) {
		assertThat(this.pushServer.publishAsset(channel, bytes, mime, name).block(TIMEOUT)).isNotNull();
	}

	private static void expectError(reactor.core.publisher.Mono<?> publish, ErrorCode code) {
		StepVerifier.create(publish)
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(ProtocolException.class,
					(protocol) -> assertThat(protocol.code()).isEqualTo(code)))
			.verify(TIMEOUT);
	}

	private ResponseEntity<byte[]> get(String sha256, String token) {
		return WebClient.create("http://localhost:" + this.port)
			.get()
			.uri("/rps/assets/" + sha256 + "?token=" + token)
			.exchangeToMono((response) -> response.toEntity(byte[].class))
			.block(TIMEOUT);
	}

	private static byte[] bytes(int size, long seed) {
		return AssetIntegrationTests.bytes(size, seed);
	}

}

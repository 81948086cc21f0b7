package io.pushwire.client;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import reactor.test.StepVerifier;
import tools.jackson.databind.node.ObjectNode;

import io.pushwire.core.Asset;
import io.pushwire.core.AssetIntegrityException;
import io.pushwire.server.AssetPublishResult;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java client resolves asset payloads received over a real WebSocket, inline or by
 * pointer with its credentials, and refuses bytes that do not match the asset's
 * {@code size} and {@code sha256}.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.pics.priority=normal", "pushwire.server.assets.inline-limit=1KB" })
class PushClientAssetIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	private PushClient client;

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.disconnect().block(TIMEOUT);
		}
	}

	@Test
	void resolvesInlineAndPointerAssetsReceivedOnAChannel() {
		this.client = builder().channels("pics:client").transport(TransportPreference.WS_ONLY).build();
		this.client.connect().block(TIMEOUT);
		byte[] small = bytes(500, 1);
		byte[] large = bytes(5000, 2);
		StepVerifier.create(this.client.frames().take(2).concatMap((frame) -> this.client.asset(frame.payload())))
			.then(() -> {
				this.pushServer.publishAsset("pics:client", small, "image/png", "s.png").block(TIMEOUT);
				this.pushServer.publishAsset("pics:client", large, "image/png", "l.png").block(TIMEOUT);
			})
			.assertNext((bytes) -> assertThat(bytes).isEqualTo(small))
			.assertNext((bytes) -> assertThat(bytes).isEqualTo(large))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void refusesBytesThatDoNotMatchTheAsset() {
		this.client = builder().transport(TransportPreference.WS_ONLY).build();
		byte[] large = bytes(5000, 3);
		byte[] other = bytes(5000, 4);
		AssetPublishResult published = this.pushServer.publishAsset("pics:corrupt", large, "image/png", null)
			.block(TIMEOUT);
		ObjectNode pointer = published.asset().toPayload();
		// A pointer whose hash is not that of the bytes at its url: the download is
		// refused.
		pointer.put("sha256", Asset.sha256Hex(other));
		StepVerifier.create(this.client.asset(pointer))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(AssetIntegrityException.class)
				.hasMessageContaining("arrived with SHA-256 " + Asset.sha256Hex(large)))
			.verify(TIMEOUT);
		ObjectNode shorter = published.asset().toPayload();
		shorter.put("size", 4000);
		StepVerifier.create(this.client.asset(shorter)).expectError(AssetIntegrityException.class).verify(TIMEOUT);
		ObjectNode inline = Asset.Inline.of("image/png", bytes(100, 5), null).toPayload();
		inline.put("data_base64", java.util.Base64.getEncoder().encodeToString(bytes(100, 6)));
		StepVerifier.create(this.client.asset(inline)).expectError(AssetIntegrityException.class).verify(TIMEOUT);
		ObjectNode elsewhere = published.asset().toPayload();
		elsewhere.put("url", "https://evil.example/rps/assets/" + published.asset().sha256());
		StepVerifier.create(this.client.asset(elsewhere))
			.expectErrorSatisfies((ex) -> assertThat(ex).hasMessageContaining("same origin"))
			.verify(TIMEOUT);
	}

	private PushClient.Builder builder() {
		return PushClient.builder()
			.baseUrl("http://localhost:" + this.port + "/rps")
			.token("token-alice")
			.sseQueryToken(true)
			.retryStrategy(RetryStrategy.fixed(Duration.ofMillis(20), 0));
	}

	private static byte[] bytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}

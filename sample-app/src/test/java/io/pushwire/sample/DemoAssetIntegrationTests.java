package io.pushwire.sample;

import java.time.Duration;
import java.util.Base64;
import java.util.Random;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.Asset;
import io.pushwire.sample.DemoController.TokenResponse;
import io.pushwire.server.PushServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /demo/assets}: one asset frame per upload, and each refusal with its status
 * and code, in the documented order.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class DemoAssetIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final MediaType PNG = MediaType.IMAGE_PNG;

	@Autowired
	private WebTestClient client;

	@Autowired
	private PushServer pushServer;

	@Test
	void publishesExactlyOneFrameWhosePayloadIsTheAsset() {
		byte[] bytes = bytes(1000);
		StepVerifier.create(this.pushServer.subscribe("alerts:assets").take(Duration.ofSeconds(2)).collectList())
			.then(() -> {
				JsonNode response = upload("/demo/assets?channel=alerts:assets&name=cat.png", PNG, bytes,
						basic("alice", "alice-pass"))
					.expectStatus()
					.isOk()
					.expectBody(JsonNode.class)
					.returnResult()
					.getResponseBody();
				assertThat(response.path("cursor").asLong()).isPositive();
				assertThat(response.path("epoch").asString()).isNotEmpty();
				JsonNode asset = response.path("asset");
				assertThat(asset.path("type").asString()).isEqualTo("inline");
				assertThat(asset.path("name").asString()).isEqualTo("cat.png");
				assertThat(asset.path("sha256").asString()).isEqualTo(Asset.sha256Hex(bytes));
				assertThat(Base64.getDecoder().decode(asset.path("data_base64").asString())).isEqualTo(bytes);
			})
			.assertNext((frames) -> {
				assertThat(frames).hasSize(1);
				assertThat(Asset.fromPayload(frames.get(0).payload())
					.verify(((Asset.Inline) Asset.fromPayload(frames.get(0).payload())).decode())).isEqualTo(bytes);
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void largeUploadWithBearerTokenIsAPointerTheUploaderCanDownload() {
		byte[] bytes = bytes(300 * 1024);
		String token = token("bob", "bob-pass");
		JsonNode asset = upload("/demo/assets?channel=inbox:bob", MediaType.IMAGE_JPEG, bytes,
				(headers) -> headers.setBearerAuth(token))
			.expectStatus()
			.isOk()
			.expectBody(JsonNode.class)
			.returnResult()
			.getResponseBody()
			.path("asset");
		assertThat(asset.path("type").asString()).isEqualTo("pointer");
		assertThat(asset.has("name")).isFalse();
		byte[] downloaded = this.client.mutate()
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(1024 * 1024))
			.build()
			.get()
			.uri(asset.path("url").asString())
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.contentType(MediaType.IMAGE_JPEG)
			.expectBody(byte[].class)
			.returnResult()
			.getResponseBody();
		assertThat(downloaded).isEqualTo(bytes);
		// alice may not subscribe to bob's inbox.
		this.client.get()
			.uri(asset.path("url").asString())
			.headers(basic("alice", "alice-pass"))
			.exchange()
			.expectStatus()
			.isForbidden();
	}

	@Test
	void withoutCredentialsIs401() {
		upload("/demo/assets?channel=alerts:x", PNG, bytes(10), (headers) -> {
		}).expectStatus().isUnauthorized();
	}

	@Test
	void withoutChannelIsBadMessageBeforeTheType() {
		expectError(upload("/demo/assets", MediaType.TEXT_PLAIN, bytes(10), basic("alice", "alice-pass")), 400,
				"bad_message");
	}

	@Test
	void undeclaredChannelIsUnknownChannelBeforeTheType() {
		expectError(
				upload("/demo/assets?channel=nope:x", MediaType.TEXT_PLAIN, bytes(10), basic("alice", "alice-pass")),
				400, "unknown_channel");
	}

	@Test
	void typeNotAllowedIsUnsupportedMediaTypeBeforeTheSize() {
		expectError(upload("/demo/assets?channel=alerts:x", MediaType.TEXT_HTML, bytes(16 * 1024 * 1024 + 1),
				basic("alice", "alice-pass")), 415, "unsupported_media_type");
	}

	@Test
	void largerThanMaxSizeIsTooLarge() {
		expectError(
				upload("/demo/assets?channel=alerts:x", PNG, bytes(16 * 1024 * 1024 + 1), basic("alice", "alice-pass")),
				413, "too_large");
	}

	private WebTestClient.ResponseSpec upload(String uri, MediaType type, byte[] body,
			Consumer<HttpHeaders> credentials) {
		return this.client.post().uri(uri).headers(credentials).contentType(type).bodyValue(body).exchange();
	}

	private static void expectError(WebTestClient.ResponseSpec response, int status, String code) {
		response.expectStatus()
			.isEqualTo(status)
			.expectBody()
			.jsonPath("$.code")
			.isEqualTo(code)
			.jsonPath("$.message")
			.isNotEmpty();
	}

	private String token(String user, String password) {
		TokenResponse response = this.client.post()
			.uri("/demo/token")
			.headers(basic(user, password))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(TokenResponse.class)
			.returnResult()
			.getResponseBody();
		assertThat(response).isNotNull();
		return response.token();
	}

	private static Consumer<HttpHeaders> basic(String user, String password) {
		return (headers) -> headers.setBasicAuth(user, password);
	}

	private static byte[] bytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

}

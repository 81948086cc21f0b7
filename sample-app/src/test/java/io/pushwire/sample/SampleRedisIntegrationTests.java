package io.pushwire.sample;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.server.asset.AssetStore;
import io.pushwire.server.redis.RedisAssetStore;
import io.pushwire.server.stream.ChannelStreamStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application as two nodes of one cluster on a real Redis
 * ({@code --pushwire.server.store=redis --spring.data.redis.url=...}, the README's
 * commands): a token issued by one node is accepted by the other (a shared
 * {@code sample.jwt.secret}), and frames published with {@code POST /demo/publish} on
 * either node reach a WebSocket subscriber of the other with the channel's cursors.
 */
class SampleRedisIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static SampleRedisServer redis;

	private static final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	@BeforeAll
	static void startNodes() {
		redis = SampleRedisServer.start();
		for (int i = 0; i < 2; i++) {
			nodes.add(new SpringApplicationBuilder(SampleApplication.class, OwnNettyResources.class)
				.web(WebApplicationType.REACTIVE)
				.properties("server.port=0", "pushwire.server.store=redis", "spring.data.redis.url=" + redis.url(),
						"sample.jwt.secret=a-secret-that-every-node-of-the-cluster-shares",
						"spring.reactor.netty.shutdown-quiet-period=0s", "pushwire.server.shutdown-drain=0s")
				.run());
		}
	}

	@AfterAll
	static void stopNodes() {
		nodes.forEach(ConfigurableApplicationContext::close);
		if (redis != null) {
			redis.close();
		}
	}

	@Test
	@Timeout(60)
	void framesPublishedOnEitherNodeReachASubscriberOfTheOtherWithTheChannelsCursors() {
		assertThat(nodes.get(0).getBean(AssetStore.class)).isInstanceOf(RedisAssetStore.class);
		assertThat(nodes.get(0).getBean(ChannelStreamStore.class).getClass().getSimpleName())
			.isEqualTo("HubChannelStreamStore");
		String channel = "alerts:redis-" + System.nanoTime();
		// Issued by node 0, presented to node 1.
		String token = post(0, "/demo/token", null).path("token").asString();
		List<JsonNode> frames = new ArrayList<>();
		Mono<Void> subscriber = new ReactorNettyWebSocketClient()
			.execute(URI.create("ws://localhost:" + port(1) + "/rps"), (session) -> {
				Mono<Void> receive = session.receive()
					.map(WebSocketMessage::getPayloadAsText)
					.map(MAPPER::readTree)
					.concatMap((message) -> {
						if ("auth_ok".equals(message.path("type").asString())) {
							// Subscribed: one publish on each node.
							return Mono.fromRunnable(() -> {
								assertThat(post(0, "/demo/publish",
										"{\"channel\":\"" + channel + "\",\"payload\":{\"n\":1}}")
									.path("cursor")
									.asLong()).isEqualTo(1);
								assertThat(post(1, "/demo/publish",
										"{\"channel\":\"" + channel + "\",\"payload\":{\"n\":2}}")
									.path("cursor")
									.asLong()).isEqualTo(2);
							}).subscribeOn(Schedulers.boundedElastic()).then(Mono.empty());
						}
						return Mono.just(message);
					})
					.filter((message) -> channel.equals(message.path("channel").asString()) && !message.has("type"))
					.take(2)
					.doOnNext(frames::add)
					.then(Mono.defer(session::close));
				String auth = "{\"type\":\"auth\",\"token\":\"" + token + "\",\"capabilities\":[\"" + channel + "\"]}";
				return Mono.when(session.send(Flux.just(session.textMessage(auth))), receive);
			});
		StepVerifier.create(subscriber).expectComplete().verify(TIMEOUT);
		assertThat(frames).extracting((frame) -> frame.path("cursor").asLong()).containsExactly(1L, 2L);
		assertThat(frames).extracting((frame) -> frame.path("payload").path("n").asInt()).containsExactly(1, 2);
	}

	private static int port(int node) {
		return ((WebServerApplicationContext) nodes.get(node)).getWebServer().getPort();
	}

	/** A POST as bob (HTTP Basic), who may publish to alerts. */
	private static JsonNode post(int node, String path, String body) {
		WebClient.RequestBodySpec request = WebClient.create("http://localhost:" + port(node))
			.post()
			.uri(path)
			.headers((headers) -> headers.setBasicAuth("bob", "bob-pass"));
		WebClient.RequestHeadersSpec<?> withBody = (body != null)
				? request.contentType(MediaType.APPLICATION_JSON).bodyValue(body) : request;
		return withBody.retrieve().bodyToMono(String.class).map(MAPPER::readTree).block(TIMEOUT);
	}

	/**
	 * Netty loops of each node's own, so that stopping one node leaves the other's
	 * connections alone.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OwnNettyResources {

		@Bean
		ReactorResourceFactory reactorResourceFactory() {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			factory.setShutdownQuietPeriod(Duration.ZERO);
			return factory;
		}

	}

}

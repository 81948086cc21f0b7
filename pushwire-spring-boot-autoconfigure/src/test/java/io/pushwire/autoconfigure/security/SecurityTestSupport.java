package io.pushwire.autoconfigure.security;

import java.util.Map;
import java.util.function.Consumer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.TestWebSocketClient;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.handler.PushReply;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the security end-to-end tests share: channel kinds and an echo handler for the
 * test applications, and WebClient calls of the SSE and HTTP endpoints with any headers.
 */
final class SecurityTestSupport {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() {
	};

	private SecurityTestSupport() {
	}

	static WebClient client(int port) {
		// A new connection per request: streams these tests cancel midway never leave a
		// connection
		// behind in a pool for the next request to pick up.
		return WebClient.builder()
			.baseUrl("http://localhost:" + port)
			.clientConnector(new org.springframework.http.client.reactive.ReactorClientHttpConnector(
					reactor.netty.http.client.HttpClient.newConnection()))
			.build();
	}

	/** Open an SSE stream, expect its first event to be auth_ok, and close it. */
	static JsonNode sseAuthOk(int port, String query, Consumer<HttpHeaders> headers) {
		ServerSentEvent<String> first = client(port).get()
			.uri("/rps/sse?" + query)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.headers(headers)
			.retrieve()
			.bodyToFlux(EVENT)
			.filter((event) -> event.data() != null)
			.next()
			.block(TestWebSocketClient.TIMEOUT);
		assertThat(first).isNotNull();
		assertThat(first.event()).isEqualTo("system");
		JsonNode op = TestWebSocketClient.mapper().readTree(first.data());
		assertThat(op.path("type").asString()).as("op %s", op).isEqualTo("auth_ok");
		return op;
	}

	/** The status of an SSE request, with the stream closed right away. */
	static HttpStatusCode sseStatus(int port, String query, Consumer<HttpHeaders> headers) {
		return sseResponse(port, query, headers).getStatusCode();
	}

	/**
	 * The status and headers of an SSE request, with the stream closed once its first
	 * bytes arrived (an open stream's body never completes, so it cannot simply be
	 * released).
	 */
	static ResponseEntity<Void> sseResponse(int port, String query, Consumer<HttpHeaders> headers) {
		return client(port).get()
			.uri("/rps/sse?" + query)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.headers(headers)
			.exchangeToFlux((response) -> response.bodyToFlux(DataBuffer.class)
				.take(1)
				.doOnNext(DataBufferUtils::release)
				.then(Mono.just(ResponseEntity.status(response.statusCode())
					.headers(response.headers().asHttpHeaders())
					.<Void>build()))
				.flux())
			.next()
			.block(TestWebSocketClient.TIMEOUT);
	}

	/** POST to a pushwire HTTP route. */
	static ResponseEntity<String> post(int port, String route, String contentType, String body,
			Consumer<HttpHeaders> headers) {
		return client(port).post().uri("/rps" + route).headers((h) -> {
			h.set(HttpHeaders.CONTENT_TYPE, contentType);
			headers.accept(h);
		})
			.bodyValue(body)
			.exchangeToMono((response) -> response.toEntity(String.class))
			.block(TestWebSocketClient.TIMEOUT);
	}

	static String sendBody(String clientId, String channel, String text) {
		return "{\"client_id\":\"" + clientId + "\",\"channel\":\"" + channel + "\",\"payload\":{\"text\":\"" + text
				+ "\"}}";
	}

	static Consumer<HttpHeaders> none() {
		return (headers) -> {
		};
	}

	/** The users of the test applications: alice and bob. */
	@Configuration(proxyBeanMethods = false)
	static class Users {

		@Bean
		MapReactiveUserDetailsService userDetailsService() {
			return new MapReactiveUserDetailsService(
					User.withUsername("alice").password("{noop}alice-pass").roles("USER").build(),
					User.withUsername("bob").password("{noop}bob-pass").roles("USER").build());
		}

	}

	/** The handlers of the test applications. */
	@Configuration(proxyBeanMethods = false)
	static class Channels {

		@Bean
		ChannelHandlerRegistry testHandlers() {
			ChannelHandlerRegistry registry = new ChannelHandlerRegistry();
			for (String kind : new String[] { "chat", "open" }) {
				registry
					.register(kind,
							(invocation) -> Flux.just(PushReply.of(Map.of("from", invocation.principal().getName(),
									"text", invocation.frame().payload().path("text").asString("")))),
							"test echo handler");
			}
			return registry;
		}

	}

}

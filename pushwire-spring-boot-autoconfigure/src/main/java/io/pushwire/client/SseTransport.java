package io.pushwire.client;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.PushMessage;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;

/**
 * The SSE transport on the application's {@link WebClient} (PROTOCOL.md §11): the stream
 * carries frames and {@code event: system} ops; acks and sends go over
 * {@code POST /rps/ack} and {@code /rps/send}. Subscribing or refreshing means a new
 * stream.
 */
final class SseTransport implements Transport {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() {
	};

	private final WebClient webClient;

	private final ProtocolCodec codec;

	private final boolean queryToken;

	private final @Nullable String basicAuth;

	private final Scheduler scheduler;

	SseTransport(WebClient webClient, ProtocolCodec codec, boolean queryToken, @Nullable String basicAuth,
			Scheduler scheduler) {
		this.webClient = webClient;
		this.codec = codec;
		this.queryToken = queryToken;
		this.basicAuth = basicAuth;
		this.scheduler = scheduler;
	}

	@Override
	public String name() {
		return "sse";
	}

	@Override
	public Mono<Void> open(String baseUrl, @Nullable String token, Link.Handler handler) {
		return Mono.defer(() -> {
			SystemOp.Auth auth = handler.auth();
			String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
			UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(base + "/sse");
			if (auth.clientId() != null) {
				uri.queryParam("client_id", auth.clientId());
			}
			uri.queryParam("channels", String.join(",", auth.capabilities()));
			Map<String, ResumeToken.Position> positions = new LinkedHashMap<>();
			auth.resumeCursors()
				.forEach((channel, cursor) -> positions.put(channel,
						new ResumeToken.Position(cursor, auth.resumeEpochs().get(channel))));
			if (!positions.isEmpty()) {
				uri.queryParam("cursors", ResumeToken.format(positions));
			}
			if (auth.sessionSecret() != null) {
				uri.queryParam("session_secret", auth.sessionSecret());
			}
			if (token != null && this.queryToken) {
				uri.queryParam("token", token);
			}
			SseLink link = new SseLink(base, token, auth.clientId(), auth.sessionSecret());
			Flux<ServerSentEvent<String>> events = this.webClient.get()
				.uri(uri.encode().build().toUri())
				.headers((headers) -> authorize(headers, token))
				.accept(MediaType.TEXT_EVENT_STREAM)
				.retrieve()
				.onStatus((status) -> status.isError(),
						(response) -> Mono.error(PushConnectionException.refused(response.statusCode().value(), "SSE")))
				.bodyToFlux(EVENT);
			handler.opened(link);
			// The watchdog sees every event, the server's ': ping' comments included.
			return Watchdog.watch(events, handler::silenceLimit, this.scheduler)
				.filter((event) -> event.data() != null)
				.concatMap((event) -> handler.onMessage(event.data()), 32)
				.then(Mono.<Void>error(
						() -> PushConnectionException.closed(PushConnectionException.ABNORMAL, "stream ended")));
		}).onErrorMap((ex) -> !(ex instanceof PushConnectionException), PushConnectionException::lost);
	}

	private void authorize(HttpHeaders headers, @Nullable String token) {
		if (token != null) {
			headers.setBearerAuth(token);
		}
		else if (this.basicAuth != null) {
			headers.set(HttpHeaders.AUTHORIZATION, this.basicAuth);
		}
	}

	/**
	 * A live SSE stream with its HTTP upstream.
	 */
	final class SseLink implements Link {

		private final String base;

		private final @Nullable String token;

		private final @Nullable String clientId;

		private final @Nullable String sessionSecret;

		private volatile @Nullable String assignedClientId;

		SseLink(String base, @Nullable String token, @Nullable String clientId, @Nullable String sessionSecret) {
			this.base = base;
			this.token = token;
			this.clientId = clientId;
			this.sessionSecret = sessionSecret;
		}

		@Override
		public String transport() {
			return "sse";
		}

		@Override
		public boolean duplex() {
			return false;
		}

		void clientId(String clientId) {
			this.assignedClientId = clientId;
		}

		@Override
		public Mono<Void> write(PushMessage message) {
			if (message instanceof SystemOp.Pong) {
				return Mono.empty();
			}
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("client_id", (this.assignedClientId != null) ? this.assignedClientId : this.clientId);
			if (this.sessionSecret != null) {
				body.put("session_secret", this.sessionSecret);
			}
			String path;
			if (message instanceof SystemOp.Ack ack) {
				path = "/ack";
				body.put("channel", ack.channel());
				body.put("cursor", ack.cursor());
			}
			else if (message instanceof Frame frame) {
				path = "/send";
				body.put("channel", frame.channel());
				body.put("payload", frame.payload());
			}
			else {
				return Mono.error(new PushOperationException("client",
						"'" + ((SystemOp) message).type() + "' cannot be sent over SSE", null));
			}
			UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(this.base + path);
			if (this.token != null && SseTransport.this.queryToken) {
				uri.queryParam("token", this.token);
			}
			return SseTransport.this.webClient.post()
				.uri(uri.encode().build().toUri())
				.headers((headers) -> authorize(headers, this.token))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(SseTransport.this.codec.mapper().writeValueAsString(body))
				.retrieve()
				.onStatus(
						(status) -> status.isError(), (
								response) -> response.bodyToMono(String.class)
									.defaultIfEmpty("")
									.map((text) -> new PushOperationException("http_" + response.statusCode().value(),
											"POST " + path + " failed with " + response.statusCode().value() + ": "
													+ text,
											(message instanceof Frame frame) ? frame.channel() : null)))
				.toBodilessEntity()
				.then();
		}

		@Override
		public Mono<Void> writeRaw(String json) {
			return Mono.error(new PushOperationException("client", "Ops cannot be sent over SSE", null));
		}

		@Override
		public void close(int code, String reason) {
			// Closing is cancelling the stream, which the client does by disposing the
			// attempt.
		}

	}

}

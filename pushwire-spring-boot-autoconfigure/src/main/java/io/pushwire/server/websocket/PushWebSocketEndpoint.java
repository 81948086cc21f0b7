package io.pushwire.server.websocket;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;

/**
 * The WebSocket endpoint (PROTOCOL.md §2): refuses a browser upgrade whose {@code Origin} is not
 * allowed with HTTP 403 before upgrading, then hands the upgrade to the {@link WebSocketService}.
 * Mapped through a WebFlux handler mapping, so the application's security, CORS and observation
 * filters run first.
 */
public final class PushWebSocketEndpoint implements WebHandler {

	private final WebSocketService service;

	private final WebSocketHandler handler;

	private final List<String> allowedOrigins;

	/**
	 * Create an endpoint.
	 * @param service the upgrade service
	 * @param handler the protocol handler
	 * @param allowedOrigins the allowed origins; empty for same origin only, {@code *} for any
	 */
	public PushWebSocketEndpoint(WebSocketService service, WebSocketHandler handler, List<String> allowedOrigins) {
		this.service = service;
		this.handler = handler;
		this.allowedOrigins = allowedOrigins.stream().map(PushWebSocketEndpoint::normalize).toList();
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		String origin = request.getHeaders().getOrigin();
		if (origin != null && !isAllowed(request, origin)) {
			return forbidden(exchange.getResponse(), origin);
		}
		Mono<Void> upgrade = this.service.handleRequest(exchange, this.handler);
		EventLoop eventLoop = eventLoop(exchange);
		if (eventLoop == null || eventLoop.inEventLoop()) {
			return upgrade;
		}
		// Filters before us (Spring Security's among them) may have moved the exchange to another
		// thread. Reactor Netty must switch the connection to WebSocket on its event loop: done
		// elsewhere, a frame that the client sends right after the 101 response can reach the HTTP
		// operations and be dropped, losing the client's auth message.
		return Mono.defer(() -> upgrade).subscribeOn(Schedulers.fromExecutor(eventLoop));
	}

	private static @Nullable EventLoop eventLoop(ServerWebExchange exchange) {
		Object response = ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse());
		return (response instanceof Connection connection) ? connection.channel().eventLoop() : null;
	}

	private boolean isAllowed(ServerHttpRequest request, String origin) {
		if (this.allowedOrigins.isEmpty()) {
			URI uri = request.getURI();
			return normalize(uri.getScheme() + "://" + uri.getHost() + ((uri.getPort() != -1) ? ":" + uri.getPort() : ""))
				.equals(normalize(origin));
		}
		return this.allowedOrigins.contains("*") || this.allowedOrigins.contains(normalize(origin));
	}

	private static String normalize(String origin) {
		String value = origin.trim().toLowerCase(Locale.ROOT);
		if (value.endsWith("/")) {
			value = value.substring(0, value.length() - 1);
		}
		try {
			URI uri = URI.create(value);
			int port = uri.getPort();
			boolean defaultPort = port == -1 || ("http".equals(uri.getScheme()) && port == 80)
					|| ("https".equals(uri.getScheme()) && port == 443);
			return uri.getScheme() + "://" + uri.getHost() + (defaultPort ? "" : ":" + port);
		}
		catch (IllegalArgumentException ex) {
			return value;
		}
	}

	private static Mono<Void> forbidden(ServerHttpResponse response, String origin) {
		String message = "Origin " + origin.replace("\"", "").replace("\\", "")
				+ " is not allowed; add it to pushwire.server.allowed-origins";
		return refuse(response, HttpStatus.FORBIDDEN, "forbidden", message);
	}

	private static Mono<Void> refuse(ServerHttpResponse response, HttpStatus status, String code, String message) {
		response.setStatusCode(status);
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		byte[] body = ("{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}")
			.getBytes(StandardCharsets.UTF_8);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		response.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-store");
		return response.writeWith(Mono.just(buffer));
	}

}

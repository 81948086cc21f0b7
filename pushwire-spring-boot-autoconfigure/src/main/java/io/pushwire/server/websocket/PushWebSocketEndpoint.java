package io.pushwire.server.websocket;

import java.util.List;
import java.util.Optional;

import io.netty.channel.EventLoop;
import org.jspecify.annotations.Nullable;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.util.context.Context;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.WireFormats;
import io.pushwire.security.PushwireCors;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.http.HttpErrors;

/**
 * The WebSocket endpoint (PROTOCOL.md §2): refuses a browser upgrade whose {@code Origin}
 * is not allowed with HTTP 403 before upgrading, then hands the upgrade to the
 * {@link WebSocketService}. Origins are matched as the CORS rules of the SSE and HTTP
 * endpoints match them ({@link PushwireCors}): the request's own origin, or one that
 * {@code allowed-origins} lists or matches. Mapped through a WebFlux handler mapping, so
 * the application's security, CORS and observation filters run first. While the server
 * drains for a shutdown ({@link ConnectionAdmission#isAccepting()} is {@code false}) an
 * upgrade is refused with HTTP 503 {@code unavailable} before it happens, and one that
 * asks for a {@code ?format=} the handler does not speak with HTTP 400
 * {@code bad_message} (PROTOCOL.md §8.1).
 *
 * @since 0.1.0
 */
public final class PushWebSocketEndpoint implements WebHandler {

	private final WebSocketService service;

	private final WebSocketHandler handler;

	private final CorsConfiguration origins;

	private final JsonMapper mapper;

	private final @Nullable ConnectionAdmission admission;

	private final @Nullable WireFormats formats;

	/**
	 * Create an endpoint.
	 * @param service the upgrade service
	 * @param handler the protocol handler
	 * @param allowedOrigins the allowed origins and origin patterns
	 * ({@code pushwire.server.allowed-origins}); empty for same origin only, {@code *}
	 * for any
	 * @param mapper the protocol's mapper, for the body of a refusal
	 */
	public PushWebSocketEndpoint(WebSocketService service, WebSocketHandler handler, List<String> allowedOrigins,
			JsonMapper mapper) {
		this(service, handler, allowedOrigins, mapper, null);
	}

	/**
	 * Create an endpoint that refuses upgrades while the node does not accept new
	 * connections (graceful shutdown).
	 * @param service the upgrade service
	 * @param handler the protocol handler
	 * @param allowedOrigins the allowed origins and origin patterns
	 * ({@code pushwire.server.allowed-origins}); empty for same origin only, {@code *}
	 * for any
	 * @param mapper the protocol's mapper, for the body of a refusal
	 * @param admission the node's admission, or {@code null} to accept always
	 */
	public PushWebSocketEndpoint(WebSocketService service, WebSocketHandler handler, List<String> allowedOrigins,
			JsonMapper mapper, @Nullable ConnectionAdmission admission) {
		this.admission = admission;
		this.formats = (handler instanceof PushWebSocketHandler push) ? push.formats() : null;
		this.service = service;
		this.handler = handler;
		this.origins = PushwireCors.forHttpEndpoints(allowedOrigins);
		this.mapper = mapper;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		if (this.admission != null && !this.admission.isAccepting()) {
			return HttpErrors.write(exchange.getResponse(), this.mapper, ErrorCode.UNAVAILABLE,
					"The server is shutting down; reconnect with backoff and resume");
		}
		ServerHttpRequest request = exchange.getRequest();
		String origin = request.getHeaders().getOrigin();
		if (origin != null && !PushwireCors.isAllowed(this.origins, request, origin)) {
			return HttpErrors.write(exchange.getResponse(), this.mapper, ErrorCode.FORBIDDEN,
					"Origin " + origin + " is not allowed; add it to pushwire.server.allowed-origins");
		}
		String format = request.getQueryParams().getFirst("format");
		if (format != null && this.formats != null && this.formats.find(format) == null) {
			return HttpErrors.write(exchange.getResponse(), this.mapper, ErrorCode.BAD_MESSAGE,
					"Unknown format '" + ((format.length() <= 32) ? format : format.substring(0, 32) + "...")
							+ "'; use one of " + this.formats.names());
		}
		// The request's principal is read here, where the filter chain's Reactor context
		// still holds the security context, and handed to the handshake as a value.
		return exchange.getPrincipal().map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((principal) -> {
			exchange.getAttributes().put(LeanHandshakeUpgradeStrategy.PRINCIPAL, principal);
			return upgrade(exchange);
		});
	}

	private Mono<Void> upgrade(ServerWebExchange exchange) {
		// Reactor Netty runs the WebSocket handler under the Reactor context of the
		// upgrade: kept for the connection's life, it would hold the filter chain's
		// security context (and through it the exchange, its session and the
		// Authentication) and the observation of the upgrade request. The handler needs
		// none of them, so the upgrade runs with an empty context.
		Mono<Void> upgrade = this.service.handleRequest(exchange, this.handler)
			.contextWrite((context) -> Context.empty());
		EventLoop eventLoop = eventLoop(exchange);
		if (eventLoop == null || eventLoop.inEventLoop()) {
			return upgrade;
		}
		// Filters before us (Spring Security's among them) may have moved the exchange to
		// another thread. Reactor Netty must switch the connection to WebSocket on its
		// event loop: done elsewhere, a frame that the client sends right after the 101
		// response can reach the HTTP operations and be dropped, losing the client's
		// auth message.
		return Mono.defer(() -> upgrade).subscribeOn(Schedulers.fromExecutor(eventLoop));
	}

	private static @Nullable EventLoop eventLoop(ServerWebExchange exchange) {
		Object response;
		try {
			response = ServerHttpResponseDecorator.getNativeResponse(exchange.getResponse());
		}
		catch (IllegalStateException ex) {
			// Not a server response (a test's mock): no event loop to switch to.
			return null;
		}
		return (response instanceof Connection connection) ? connection.channel().eventLoop() : null;
	}

}

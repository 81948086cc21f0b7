package io.pushwire.server.sse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;
import io.pushwire.security.AuthRequest;
import io.pushwire.server.connection.ClientAuthenticator;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.ClientIds;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.http.HttpErrors;
import io.pushwire.server.http.HttpSettings;

/**
 * {@code GET /rps/sse?client_id=…&channels=a,b&cursors=…&token=…&session_secret=…}
 * (PROTOCOL.md §11, {@code session_secret} for anonymous sessions: §7): the same session,
 * subscriptions, replay and delivery as the WebSocket, one way, as Server-Sent Events.
 * {@code Last-Event-ID} wins over {@code cursors}, so a browser's {@code EventSource}
 * resumes every channel on its own reconnect. Errors before the stream starts are HTTP
 * errors with a {@code {"code","message"}} body: 400, 401, 403 (client id of another
 * principal, or of an anonymous session without its secret), 429, and 500
 * {@code internal} when the server fails, and 503 {@code unavailable} while the server
 * drains for a shutdown.
 *
 * @since 0.1.0
 */
public final class SseEndpoint implements WebHandler {

	private static final Log logger = LogFactory.getLog(SseEndpoint.class);

	private final ConnectionFactory connections;

	private final ClientAuthenticator authenticator;

	private final JsonMapper mapper;

	private final long socketSendBuffer;

	private final HttpSettings settings;

	private final @Nullable ConnectionAdmission admission;

	/**
	 * Create the endpoint.
	 * @param connections creates the connections
	 * @param authenticator authenticates clients
	 * @param codec the protocol codec (its mapper writes events and errors)
	 * @param serverSettings the server's settings (the socket send buffer)
	 * @param settings the HTTP settings
	 */
	public SseEndpoint(ConnectionFactory connections, ClientAuthenticator authenticator, ProtocolCodec codec,
			PushServerSettings serverSettings, HttpSettings settings) {
		this(connections, authenticator, codec, serverSettings, settings, null);
	}

	/**
	 * Create the endpoint that refuses new streams while the node does not accept new
	 * connections (graceful shutdown).
	 * @param connections creates the connections
	 * @param authenticator authenticates clients
	 * @param codec the protocol codec (its mapper writes events and errors)
	 * @param serverSettings the server's settings (the socket send buffer)
	 * @param settings the HTTP settings
	 * @param admission the node's admission, or {@code null} to accept always
	 */
	public SseEndpoint(ConnectionFactory connections, ClientAuthenticator authenticator, ProtocolCodec codec,
			PushServerSettings serverSettings, HttpSettings settings, @Nullable ConnectionAdmission admission) {
		this.admission = admission;
		this.connections = connections;
		this.authenticator = authenticator;
		this.mapper = codec.mapper();
		this.socketSendBuffer = serverSettings.socketSendBuffer();
		this.settings = settings;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		ServerHttpRequest request = exchange.getRequest();
		if (request.getMethod() != HttpMethod.GET) {
			exchange.getResponse().setStatusCode(HttpStatus.METHOD_NOT_ALLOWED);
			exchange.getResponse().getHeaders().setAllow(java.util.Set.of(HttpMethod.GET));
			return exchange.getResponse().setComplete();
		}
		if (this.admission != null && !this.admission.isAccepting()) {
			return HttpErrors.write(exchange.getResponse(), this.mapper, ErrorCode.UNAVAILABLE,
					"The server is shutting down; reconnect with backoff and resume");
		}
		SystemOp.Auth auth;
		String clientId;
		try {
			auth = parse(request);
			clientId = (auth.clientId() != null) ? auth.clientId() : ClientIds.newId();
		}
		catch (ProtocolException ex) {
			return HttpErrors.write(exchange.getResponse(), this.mapper, ex);
		}
		if (auth.token() != null && !this.settings.allowQueryToken()) {
			return HttpErrors.write(exchange.getResponse(), this.mapper, ErrorCode.BAD_MESSAGE,
					"Query tokens are disabled (pushwire.server.sse.allow-query-token=false); send an Authorization header");
		}
		SseTransport transport = new SseTransport(exchange, this.mapper, this.settings);
		ClientConnection connection = this.connections.create(transport);
		transport.bind(connection, this.socketSendBuffer);
		return connection
			.observeHandshake(exchange.getPrincipal()
				.map(java.util.Optional::of)
				.defaultIfEmpty(java.util.Optional.empty())
				.flatMap((principal) -> this.authenticator.authenticate(new AuthRequest(auth.token(),
						principal.orElse(null), request.getHeaders(), request.getRemoteAddress()), clientId))
				.flatMap((principal) -> connection.start(clientId, auth, principal)))
			.flatMap((ok) -> transport.stream(connection, ok))
			// Whatever ends the exchange before the stream does (a refusal, a failing
			// authorizer or
			// store, the client going away halfway), the connection releases its session,
			// its slot and
			// its stream listeners; terminated() may run twice, it is idempotent.
			.onErrorResume((ex) -> {
				connection.terminated();
				return failed(exchange, ex);
			})
			.doOnCancel(connection::terminated);
	}

	private Mono<Void> failed(ServerWebExchange exchange, Throwable ex) {
		if (ex instanceof ProtocolException protocol) {
			return HttpErrors.write(exchange.getResponse(), this.mapper, protocol);
		}
		if (exchange.getResponse().isCommitted()) {
			// The stream was under way: its client went away, or a write failed.
			logger.debug("SSE stream failed", ex);
			return Mono.empty();
		}
		logger.error("Starting an SSE stream failed", ex);
		return HttpErrors.write(exchange.getResponse(), this.mapper, ErrorCode.INTERNAL,
				"The server failed to start the stream; retry later");
	}

	private SystemOp.Auth parse(ServerHttpRequest request) {
		MultiValueMap<String, String> query = request.getQueryParams();
		String clientId = query.getFirst("client_id");
		if (clientId != null && !ClientIds.isValid(clientId)) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'client_id' must be a lowercase hyphenated UUID");
		}
		String lastEventId = request.getHeaders().getFirst("Last-Event-ID");
		ResumeToken resume = ResumeToken
			.parse((lastEventId != null && !lastEventId.isBlank()) ? lastEventId : query.getFirst("cursors"));
		List<String> channels = new ArrayList<>();
		String channelList = query.getFirst("channels");
		if (channelList != null && !channelList.isBlank()) {
			for (String channel : channelList.split(",", -1)) {
				if (channels.size() >= ResumeToken.MAX_CHANNELS) {
					throw new ProtocolException(ErrorCode.BAD_MESSAGE,
							"At most " + ResumeToken.MAX_CHANNELS + " channels per stream");
				}
				channels.add(channel.trim());
			}
		}
		else {
			channels.addAll(resume.positions().keySet());
		}
		Map<String, Long> cursors = new LinkedHashMap<>();
		Map<String, String> epochs = new LinkedHashMap<>();
		resume.positions().forEach((channel, position) -> {
			cursors.put(channel, position.cursor());
			if (position.epoch() != null) {
				epochs.put(channel, position.epoch());
			}
		});
		return new SystemOp.Auth(clientId, query.getFirst("token"), channels, cursors, epochs, null,
				query.getFirst("session_secret"));
	}

}

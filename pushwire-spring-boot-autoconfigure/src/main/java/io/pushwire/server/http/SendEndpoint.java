package io.pushwire.server.http;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.connection.ClientAuthenticator;
import io.pushwire.server.connection.FrameDispatcher;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.connection.ServerLimits;
import io.pushwire.server.connection.SessionRegistry;

/**
 * {@code POST /rps/send} with {@code {"client_id","channel","payload"}} (and
 * {@code session_secret} for an anonymous session, PROTOCOL.md §7): a frame sent upstream
 * by a client that has no WebSocket (PROTOCOL.md §11), handled exactly like a frame on
 * the WebSocket: same session, same authorization, same handler. 202 once the handler has
 * run; errors as in §3.2.
 *
 * @since 0.1.0
 */
public final class SendEndpoint implements WebHandler {

	private final ClientAuthenticator authenticator;

	private final SessionRegistry sessions;

	private final JsonMapper mapper;

	private final long maxMessageSize;

	private final ServerLimits limits;

	private final HttpSettings settings;

	private final FrameDispatcher dispatcher;

	/**
	 * Create the endpoint.
	 * @param dispatcher takes the frames to their handlers
	 * @param authenticator authenticates the requests
	 * @param sessions the sessions
	 * @param codec the protocol codec (its mapper reads bodies and writes errors)
	 * @param serverSettings the server's settings (the largest body)
	 * @param limits the limits (the rate of a client's requests)
	 * @param settings the HTTP settings
	 */
	public SendEndpoint(ClientAuthenticator authenticator, SessionRegistry sessions, FrameDispatcher dispatcher,
			ProtocolCodec codec, PushServerSettings serverSettings, ServerLimits limits, HttpSettings settings) {
		this.authenticator = authenticator;
		this.sessions = sessions;
		this.mapper = codec.mapper();
		this.maxMessageSize = serverSettings.maxMessageSize();
		this.limits = limits;
		this.settings = settings;
		this.dispatcher = dispatcher;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		if (exchange.getRequest().getMethod() != HttpMethod.POST) {
			return HttpRequests.methodNotAllowed(exchange, HttpMethod.POST);
		}
		return HttpRequests.readJson(this.mapper, this.maxMessageSize, exchange).flatMap((body) -> {
			String clientId = AckEndpoint.clientId(body);
			String channel = HttpRequests.requiredString(body, "channel");
			Frame frame = new Frame(channel, null, HttpRequests.optional(body, "payload"), null);
			String secret = HttpRequests.sessionSecret(body);
			return HttpRequests.authenticate(this.authenticator, this.settings, exchange, clientId)
				.flatMap((principal) -> this.sessions.require(clientId, principal, secret)
					.flatMap((session) -> this.dispatcher.dispatch(frame, principal,
							HttpRequests.admit(this.limits, session), "http")));
		}).then(Mono.defer(() -> {
			exchange.getResponse().setStatusCode(HttpStatus.ACCEPTED);
			return exchange.getResponse().setComplete();
		})).onErrorResume(ProtocolException.class, (ex) -> HttpErrors.write(exchange.getResponse(), this.mapper, ex));
	}

}

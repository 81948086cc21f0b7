package io.pushwire.server.http;

import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.connection.PushEngine;
import io.pushwire.server.connection.FrameDispatcher;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;

/**
 * {@code POST /rps/send} with {@code {"client_id","channel","payload"}} (and {@code session_secret} for an
 * anonymous session, PROTOCOL.md §7): a frame sent upstream by a
 * client that has no WebSocket (PROTOCOL.md §11), handled exactly like a frame on the WebSocket: same
 * session, same authorization, same handler. 202 once the handler has run; errors as in §3.2.
 */
public final class SendEndpoint implements WebHandler {

	private final PushEngine engine;

	private final HttpSettings settings;

	private final FrameDispatcher dispatcher;

	/**
	 * Create the endpoint.
	 * @param engine the server's engine
	 * @param settings the HTTP settings
	 */
	public SendEndpoint(PushEngine engine, HttpSettings settings) {
		this.engine = engine;
		this.settings = settings;
		this.dispatcher = new FrameDispatcher(engine);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		if (exchange.getRequest().getMethod() != HttpMethod.POST) {
			return HttpRequests.methodNotAllowed(exchange, HttpMethod.POST);
		}
		return HttpRequests.readJson(this.engine, exchange).flatMap((body) -> {
			String clientId = AckEndpoint.clientId(body);
			String channel = HttpRequests.requiredString(body, "channel");
			Frame frame = new Frame(channel, null, HttpRequests.optional(body, "payload"), null);
			String secret = HttpRequests.sessionSecret(body);
			return HttpRequests.authenticate(this.engine, this.settings, exchange, clientId)
				.flatMap((principal) -> this.engine.sessions()
					.require(clientId, principal, secret)
					.flatMap((session) -> this.dispatcher.dispatch(frame, principal, HttpRequests.admit(this.engine, session))));
		}).then(Mono.defer(() -> {
			exchange.getResponse().setStatusCode(HttpStatus.ACCEPTED);
			return exchange.getResponse().setComplete();
		})).onErrorResume(ProtocolException.class,
				(ex) -> HttpErrors.write(exchange.getResponse(), this.engine.codec().mapper(), ex));
	}

}

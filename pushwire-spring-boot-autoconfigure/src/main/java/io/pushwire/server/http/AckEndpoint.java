package io.pushwire.server.http;

import io.pushwire.core.Cursors;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.connection.PushEngine;
import io.pushwire.server.connection.ClientIds;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /rps/ack} with {@code {"client_id","channel","cursor"}} (and {@code session_secret} for an
 * anonymous session, PROTOCOL.md §7): records an acknowledgement in
 * the caller's session exactly like the {@code ack} op (PROTOCOL.md §5.3, §11). 204 on success; 400
 * {@code bad_message} for a malformed body, a channel the session is not subscribed to or a cursor
 * beyond the head; 401; 403 for another principal's client id or an anonymous session's without its
 * secret; 404 when the session does not exist; 429 past the client's rate.
 */
public final class AckEndpoint implements WebHandler {

	private final PushEngine engine;

	private final HttpSettings settings;

	/**
	 * Create the endpoint.
	 * @param engine the server's engine
	 * @param settings the HTTP settings
	 */
	public AckEndpoint(PushEngine engine, HttpSettings settings) {
		this.engine = engine;
		this.settings = settings;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		if (exchange.getRequest().getMethod() != HttpMethod.POST) {
			return HttpRequests.methodNotAllowed(exchange, HttpMethod.POST);
		}
		return HttpRequests.readJson(this.engine, exchange).flatMap((body) -> {
			String clientId = clientId(body);
			String channel = HttpRequests.requiredString(body, "channel");
			long cursor = cursor(body);
			String secret = HttpRequests.sessionSecret(body);
			return HttpRequests.authenticate(this.engine, this.settings, exchange, clientId)
				.flatMap((principal) -> this.engine.sessions().require(clientId, principal, secret))
				.flatMap((session) -> this.engine.acknowledge(HttpRequests.admit(this.engine, session), channel, cursor));
		}).then(Mono.defer(() -> {
			exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
			return exchange.getResponse().setComplete();
		})).onErrorResume(ProtocolException.class,
				(ex) -> HttpErrors.write(exchange.getResponse(), this.engine.codec().mapper(), ex));
	}

	static String clientId(JsonNode body) {
		String clientId = HttpRequests.requiredString(body, "client_id");
		if (!ClientIds.isValid(clientId)) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'client_id' must be a lowercase hyphenated UUID");
		}
		return clientId;
	}

	private static long cursor(JsonNode body) {
		JsonNode value = body.get("cursor");
		if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()
				|| !Cursors.isValidCursor(value.longValue())) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"'cursor' is required and must be an integer from 0 to " + Cursors.MAX_CURSOR);
		}
		return value.longValue();
	}

}

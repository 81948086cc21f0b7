package io.pushwire.server.http;

import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.Cursors;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.connection.Acknowledgements;
import io.pushwire.server.connection.ClientAuthenticator;
import io.pushwire.server.connection.ClientIds;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.connection.ServerLimits;
import io.pushwire.server.connection.SessionRegistry;

/**
 * {@code POST /rps/ack} with {@code {"client_id","channel","cursor"}} (and
 * {@code session_secret} for an anonymous session, PROTOCOL.md §7): records an
 * acknowledgement in the caller's session exactly like the {@code ack} op (PROTOCOL.md
 * §5.3, §11). 204 on success; 400 {@code bad_message} for a malformed body, a channel the
 * session is not subscribed to or a cursor beyond the head; 401; 403 for another
 * principal's client id or an anonymous session's without its secret; 404 when the
 * session does not exist; 429 past the client's rate.
 *
 * @since 0.1.0
 */
public final class AckEndpoint implements WebHandler {

	private final ClientAuthenticator authenticator;

	private final SessionRegistry sessions;

	private final JsonMapper mapper;

	private final long maxMessageSize;

	private final ServerLimits limits;

	private final HttpSettings settings;

	private final Acknowledgements acknowledgements;

	/**
	 * Create the endpoint.
	 * @param authenticator authenticates the requests
	 * @param sessions the sessions
	 * @param codec the protocol codec (its mapper reads bodies and writes errors)
	 * @param serverSettings the server's settings (the largest body)
	 * @param limits the limits (the rate of a client's requests)
	 * @param settings the HTTP settings
	 * @param acknowledgements the acknowledgements the requests settle
	 */
	public AckEndpoint(ClientAuthenticator authenticator, SessionRegistry sessions, Acknowledgements acknowledgements,
			ProtocolCodec codec, PushServerSettings serverSettings, ServerLimits limits, HttpSettings settings) {
		this.authenticator = authenticator;
		this.sessions = sessions;
		this.mapper = codec.mapper();
		this.maxMessageSize = serverSettings.maxMessageSize();
		this.limits = limits;
		this.settings = settings;
		this.acknowledgements = acknowledgements;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		if (exchange.getRequest().getMethod() != HttpMethod.POST) {
			return HttpRequests.methodNotAllowed(exchange, HttpMethod.POST);
		}
		return HttpRequests.readJson(this.mapper, this.maxMessageSize, exchange).flatMap((body) -> {
			String clientId = clientId(body);
			String channel = HttpRequests.requiredString(body, "channel");
			long cursor = cursor(body);
			String secret = HttpRequests.sessionSecret(body);
			return HttpRequests.authenticate(this.authenticator, this.settings, exchange, clientId)
				.flatMap((principal) -> this.sessions.require(clientId, principal, secret))
				.flatMap((session) -> this.acknowledgements.acknowledge(HttpRequests.admit(this.limits, session),
						channel, cursor));
		}).then(Mono.defer(() -> {
			exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
			return exchange.getResponse().setComplete();
		})).onErrorResume(ProtocolException.class, (ex) -> HttpErrors.write(exchange.getResponse(), this.mapper, ex));
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

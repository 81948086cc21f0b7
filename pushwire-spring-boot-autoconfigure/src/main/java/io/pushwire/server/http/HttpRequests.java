package io.pushwire.server.http;

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.security.AuthRequest;
import io.pushwire.server.connection.ClientAuthenticator;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.ServerLimits;

/**
 * Reading and authenticating the requests of the SSE and HTTP endpoints.
 */
final class HttpRequests {

	private HttpRequests() {
	}

	/**
	 * Authenticate an HTTP request: its principal (from the application's security) or a
	 * {@code token} query parameter where allowed.
	 * @param authenticator authenticates the request's principal or token
	 * @param settings the HTTP settings (whether a query token is allowed)
	 * @param exchange the request
	 * @param clientId the client id the request acts for
	 * @return the principal, or an error when the request is refused
	 */
	static Mono<Principal> authenticate(ClientAuthenticator authenticator, HttpSettings settings,
			ServerWebExchange exchange, String clientId) {
		ServerHttpRequest request = exchange.getRequest();
		String token = request.getQueryParams().getFirst("token");
		if (token != null && !settings.allowQueryToken()) {
			return Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE,
					"Query tokens are disabled (pushwire.server.sse.allow-query-token=false); send an Authorization header"));
		}
		InetSocketAddress remote = request.getRemoteAddress();
		return exchange.getPrincipal()
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((principal) -> authenticator
				.authenticate(new AuthRequest(token, principal.orElse(null), request.getHeaders(), remote), clientId));
	}

	/**
	 * Read a JSON object body of at most {@code maxSize} bytes.
	 * @param mapper the mapper that parses the body
	 * @param maxMessageSize the largest body accepted, in bytes
	 * @param exchange the request
	 * @return the body, or an error when it is too large or not a JSON object
	 */
	static Mono<JsonNode> readJson(JsonMapper mapper, long maxMessageSize, ServerWebExchange exchange) {
		int maxSize = (int) Math.min(Integer.MAX_VALUE, maxMessageSize);
		return DataBufferUtils.join(exchange.getRequest().getBody(), maxSize).map((buffer) -> {
			try {
				byte[] bytes = new byte[buffer.readableByteCount()];
				buffer.read(bytes);
				return bytes;
			}
			finally {
				DataBufferUtils.release(buffer);
			}
		})
			.defaultIfEmpty(new byte[0])
			.onErrorMap(DataBufferLimitException.class,
					(ex) -> new ProtocolException(ErrorCode.TOO_LARGE,
							"The body is larger than " + maxSize + " bytes (pushwire.server.max-message-size)"))
			.map((bytes) -> {
				JsonNode node;
				try {
					node = mapper.readTree(bytes);
				}
				catch (JacksonException ex) {
					throw new ProtocolException(ErrorCode.BAD_MESSAGE, "The body is not valid JSON");
				}
				if (node == null || !node.isObject()) {
					throw new ProtocolException(ErrorCode.BAD_MESSAGE, "The body must be a JSON object");
				}
				return node;
			});
	}

	/**
	 * Answer 405 with the allowed method.
	 * @param exchange the request
	 * @param allowed the one method the endpoint accepts
	 * @return completes when the response is written
	 */
	static Mono<Void> methodNotAllowed(ServerWebExchange exchange, org.springframework.http.HttpMethod allowed) {
		exchange.getResponse().setStatusCode(org.springframework.http.HttpStatus.METHOD_NOT_ALLOWED);
		exchange.getResponse().getHeaders().setAllow(java.util.Set.of(allowed));
		return exchange.getResponse().setComplete();
	}

	/**
	 * Count a request against the rate of the session's connection, or of the session
	 * itself while it has none.
	 * @param limits the limits (a detached session's rate)
	 * @param session the session the request acts for
	 * @return the session, when the request is admitted
	 */
	static DefaultPushSession admit(ServerLimits limits, DefaultPushSession session) {
		ClientConnection connection = session.connection();
		boolean admitted = (connection != null) ? connection.admitHttpRequest()
				: session.admitDetachedRequest(limits.maxInboundRate(), limits.maxInboundBurst());
		if (!admitted) {
			throw new ProtocolException(ErrorCode.RATE_LIMITED,
					"More than the allowed messages per second for this client; slow down");
		}
		return session;
	}

	static String requiredString(JsonNode body, String key) {
		JsonNode value = body.get(key);
		if (value == null || !value.isString()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'" + key + "' is required and must be a string");
		}
		return value.stringValue();
	}

	/**
	 * The {@code session_secret} of the body: required to act on an anonymous session
	 * (PROTOCOL.md §7).
	 * @param body the request's JSON body
	 * @return the secret, or {@code null} when the body has none
	 */
	static @Nullable String sessionSecret(JsonNode body) {
		JsonNode value = optional(body, "session_secret");
		if (value != null && !value.isString()) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "'session_secret' must be a string");
		}
		return (value != null) ? value.stringValue() : null;
	}

	static @Nullable JsonNode optional(JsonNode body, String key) {
		JsonNode value = body.get(key);
		return (value == null || value.isNull()) ? null : value;
	}

}

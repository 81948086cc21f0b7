package io.pushwire.server.http;

import java.nio.charset.StandardCharsets;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;

/**
 * Writes protocol errors as HTTP responses (PROTOCOL.md §3.2): the code's status and a
 * {@code {"code","message"}} body.
 *
 * @since 0.1.0
 */
public final class HttpErrors {

	private HttpErrors() {
	}

	/**
	 * Write an error response.
	 * @param response the response
	 * @param mapper the protocol's mapper
	 * @param ex the error
	 * @return completes when written
	 */
	public static Mono<Void> write(ServerHttpResponse response, JsonMapper mapper, ProtocolException ex) {
		return write(response, mapper, ex.code(), ex.getMessage());
	}

	/**
	 * Write an error response.
	 * @param response the response
	 * @param mapper the protocol's mapper
	 * @param code the code
	 * @param message the message
	 * @return completes when written
	 */
	public static Mono<Void> write(ServerHttpResponse response, JsonMapper mapper, ErrorCode code, String message) {
		if (response.isCommitted()) {
			return Mono.empty();
		}
		response.setStatusCode(HttpStatus.valueOf(code.httpStatus()));
		response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
		response.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-store");
		if (code == ErrorCode.UNAUTHORIZED) {
			response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
		}
		ObjectNode body = mapper.createObjectNode();
		body.put("code", code.wireName());
		body.put("message", message);
		DataBuffer buffer = response.bufferFactory()
			.wrap(mapper.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(buffer));
	}

}

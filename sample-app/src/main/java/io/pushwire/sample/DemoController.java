package io.pushwire.sample;

import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.PushServer;

/**
 * Demo endpoints: a JWT for the signed-in user, and publishing through {@link PushServer}
 * from HTTP. Any signed-in user may publish to any declared channel (someone's inbox,
 * alerts); a real application would decide who may publish what.
 */
@RestController
@RequestMapping("/demo")
public class DemoController {

	private final PushServer pushServer;

	private final DemoTokenIssuer tokenIssuer;

	/**
	 * Create the controller.
	 * @param pushServer the push server
	 * @param tokenIssuer issues the tokens
	 */
	public DemoController(PushServer pushServer, DemoTokenIssuer tokenIssuer) {
		this.pushServer = pushServer;
		this.tokenIssuer = tokenIssuer;
	}

	/**
	 * Issue a JWT for the signed-in user, to send as a bearer header or in
	 * {@code auth.token}.
	 * @param user the user
	 * @return the token
	 */
	@PostMapping("/token")
	public TokenResponse token(Authentication user) {
		return new TokenResponse(this.tokenIssuer.issue(user));
	}

	/**
	 * Publish a payload to a channel.
	 * @param request the channel and payload
	 * @return where the frame was stored
	 */
	@PostMapping("/publish")
	public Mono<PublishResponse> publish(@RequestBody PublishRequest request) {
		String channel = request.channel();
		if (channel == null || channel.isEmpty()) {
			return Mono.error(new ProtocolException(ErrorCode.BAD_MESSAGE,
					"Name the channel to publish to, as in {\"channel\":\"alerts:ops\",\"payload\":{...}}"));
		}
		return Mono.defer(() -> this.pushServer.publish(channel, request.payload()))
			.map((result) -> new PublishResponse(result.cursor(), result.epoch()));
	}

	/**
	 * Answer a refused publish (a malformed or undeclared channel, say) with the
	 * protocol's error body.
	 * @param ex the failure
	 * @return the response, with the code's HTTP status
	 */
	@ExceptionHandler(ProtocolException.class)
	public ResponseEntity<ErrorResponse> protocolError(ProtocolException ex) {
		String message = (ex.getMessage() != null) ? ex.getMessage() : ex.code().wireName();
		return ResponseEntity.status(ex.code().httpStatus()).body(new ErrorResponse(ex.code().wireName(), message));
	}

	/**
	 * A token.
	 *
	 * @param token the compact JWS
	 */
	public record TokenResponse(String token) {

	}

	/**
	 * What to publish.
	 *
	 * @param channel the channel, {@code kind} or {@code kind:topic}
	 * @param payload the payload, any JSON
	 */
	public record PublishRequest(@Nullable String channel, @Nullable JsonNode payload) {

	}

	/**
	 * Where a published frame was stored.
	 *
	 * @param cursor the frame's cursor
	 * @param epoch the channel stream's epoch
	 */
	public record PublishResponse(long cursor, String epoch) {

	}

	/**
	 * A refused request.
	 *
	 * @param code the protocol error code
	 * @param message what went wrong and what to do
	 */
	public record ErrorResponse(String code, String message) {

	}

}

package io.pushwire.sample;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.autoconfigure.PushwireServerProperties;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.PushServer;

/**
 * {@code POST /demo/assets?channel=<ch>&name=<file>}: publishes the request body, of its
 * {@code Content-Type}, as one asset frame (PROTOCOL.md §9) with
 * {@link PushServer#publishAsset}. Any signed-in user may publish to any declared
 * channel, as with {@code /demo/publish}. Refusals, in this order: 401 without
 * credentials (the security chain), 400 {@code bad_message} without a channel, 400
 * {@code unknown_channel}, 415 {@code unsupported_media_type}, 413 {@code too_large}; the
 * type and a declared length are checked before the body is read, and the body is read up
 * to {@code pushwire.server.assets.max-size} only.
 */
@RestController
@RequestMapping("/demo")
public class DemoAssetController {

	private final PushServer pushServer;

	private final long maxSize;

	/**
	 * Create the controller.
	 * @param pushServer the push server
	 * @param properties the server properties (the largest asset)
	 */
	public DemoAssetController(PushServer pushServer, PushwireServerProperties properties) {
		this.pushServer = pushServer;
		this.maxSize = properties.getAssets().getMaxSize().toBytes();
	}

	/**
	 * Publish an asset.
	 * @param channel the channel
	 * @param name the asset's name, or none
	 * @param request the request, whose body is the asset
	 * @return where the frame was stored and the asset
	 */
	@PostMapping("/assets")
	public Mono<AssetResponse> publish(@RequestParam(required = false) @Nullable String channel,
			@RequestParam(required = false) @Nullable String name, ServerHttpRequest request) {
		return Mono.defer(() -> {
			if (channel == null || channel.isEmpty()) {
				throw new ProtocolException(ErrorCode.BAD_MESSAGE,
						"Name the channel to publish to, as in /demo/assets?channel=chat:room-1&name=cat.png");
			}
			String mime = request.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
			this.pushServer.checkAsset(channel, mime, request.getHeaders().getContentLength());
			int limit = (int) Math.min(Integer.MAX_VALUE - 8, this.maxSize);
			return DataBufferUtils.join(request.getBody(), limit).map((buffer) -> {
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
								"The asset has more than " + this.maxSize + " bytes (pushwire.server.assets.max-size)"))
				.flatMap((bytes) -> this.pushServer.publishAsset(channel, bytes, (mime != null) ? mime : "", name));
		})
			.map((result) -> new AssetResponse(result.published().cursor(), result.published().epoch(),
					result.asset().toPayload()));
	}

	/**
	 * Answer a refused publish with the protocol's error body.
	 * @param ex the failure
	 * @return the response, with the code's HTTP status
	 */
	@ExceptionHandler(ProtocolException.class)
	public ResponseEntity<DemoController.ErrorResponse> protocolError(ProtocolException ex) {
		String message = (ex.getMessage() != null) ? ex.getMessage() : ex.code().wireName();
		return ResponseEntity.status(ex.code().httpStatus())
			.body(new DemoController.ErrorResponse(ex.code().wireName(), message));
	}

	/**
	 * A published asset.
	 *
	 * @param cursor the frame's cursor
	 * @param epoch the channel stream's epoch
	 * @param asset the asset object, the frame's payload
	 */
	public record AssetResponse(long cursor, String epoch, JsonNode asset) {

	}

}

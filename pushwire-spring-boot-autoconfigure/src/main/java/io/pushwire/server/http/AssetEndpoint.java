package io.pushwire.server.http;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.Asset;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.server.asset.AssetReference;
import io.pushwire.server.asset.AssetStore;
import io.pushwire.server.asset.StoredAsset;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.ClientAuthenticator;

/**
 * {@code GET /rps/assets/{sha256}} (PROTOCOL.md §9), checked in this order: 401 without
 * valid credentials, 404 {@code not_found} for an asset the store does not hold (or one
 * only ever sent inline), 403 {@code forbidden} when the principal may subscribe to none
 * of the channels the asset was published on; then the bytes with their
 * {@code Content-Type}, {@code ETag} (the quoted hash), {@code Cache-Control: private}
 * and {@code X-Content-Type-Options: nosniff}: 304 for a matching {@code If-None-Match},
 * 206 for one satisfiable byte range, 416 for an unsatisfiable one.
 *
 * @since 0.1.0
 */
public final class AssetEndpoint implements WebHandler {

	private final ClientAuthenticator authenticator;

	private final ChannelRegistry channels;

	private final ChannelAuthorizer authorizer;

	private final AssetStore store;

	private final JsonMapper mapper;

	private final HttpSettings settings;

	/**
	 * Create the endpoint.
	 * @param authenticator authenticates the requests
	 * @param channels the declared channel kinds
	 * @param authorizer decides who may subscribe to a channel
	 * @param store the assets
	 * @param codec the protocol codec (its mapper writes errors)
	 * @param settings the HTTP settings (whether a {@code token} query parameter counts)
	 */
	public AssetEndpoint(ClientAuthenticator authenticator, ChannelRegistry channels, ChannelAuthorizer authorizer,
			AssetStore store, ProtocolCodec codec, HttpSettings settings) {
		this.authenticator = authenticator;
		this.channels = channels;
		this.authorizer = authorizer;
		this.store = store;
		this.mapper = codec.mapper();
		this.settings = settings;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		HttpMethod method = exchange.getRequest().getMethod();
		if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
			return HttpRequests.methodNotAllowed(exchange, HttpMethod.GET);
		}
		String path = exchange.getRequest().getPath().value();
		String sha256 = path.substring(path.lastIndexOf('/') + 1);
		// An anonymous download names no client: a fresh id stands for it.
		return HttpRequests.authenticate(this.authenticator, this.settings, exchange, UUID.randomUUID().toString())
			.flatMap(
					(principal) -> (Asset.isSha256(sha256) ? this.store.find(sha256) : Mono.<StoredAsset>empty())
						.switchIfEmpty(Mono.error(() -> new ProtocolException(ErrorCode.NOT_FOUND,
								"No asset " + sha256
										+ " is held; it was never published by pointer or is no longer retained")))
						.flatMap((asset) -> mayRead(principal, asset.references()).flatMap((allowed) -> {
							if (!allowed) {
								return Mono.error(new ProtocolException(ErrorCode.FORBIDDEN,
										"You may not subscribe to any channel this asset was published on"));
							}
							return write(exchange, asset);
						})))
			.onErrorResume(ProtocolException.class, (ex) -> HttpErrors.write(exchange.getResponse(), this.mapper, ex));
	}

	private Mono<Boolean> mayRead(java.security.Principal principal, List<AssetReference> references) {
		return Flux.fromIterable(references).concatMap((reference) -> {
			ChannelRegistry.ResolvedChannel resolved;
			try {
				resolved = this.channels.resolve(reference.channel());
			}
			catch (ProtocolException ex) {
				return Mono.just(false);
			}
			return this.authorizer.canSubscribe(principal, resolved.name(), resolved.kind());
		}).any(Boolean::booleanValue);
	}

	private Mono<Void> write(ServerWebExchange exchange, StoredAsset asset) {
		ServerHttpResponse response = exchange.getResponse();
		HttpHeaders headers = response.getHeaders();
		String etag = "\"" + asset.sha256() + "\"";
		headers.setETag(etag);
		headers.setCacheControl("private");
		headers.set("X-Content-Type-Options", "nosniff");
		headers.set(HttpHeaders.ACCEPT_RANGES, "bytes");
		if (notModified(exchange.getRequest().getHeaders().getIfNoneMatch(), asset.sha256())) {
			response.setStatusCode(HttpStatus.NOT_MODIFIED);
			return response.setComplete();
		}
		return this.store.read(asset.sha256())
			.switchIfEmpty(Mono.error(() -> new ProtocolException(ErrorCode.NOT_FOUND,
					"Asset " + asset.sha256() + " was evicted while it was being served")))
			.flatMap((bytes) -> write(exchange, asset, bytes));
	}

	private Mono<Void> write(ServerWebExchange exchange, StoredAsset asset, byte[] bytes) {
		ServerHttpResponse response = exchange.getResponse();
		HttpHeaders headers = response.getHeaders();
		long size = bytes.length;
		List<HttpRange> ranges;
		try {
			ranges = exchange.getRequest().getHeaders().getRange();
		}
		catch (IllegalArgumentException ex) {
			// A malformed Range header is ignored (RFC 9110 §14.2).
			ranges = List.of();
		}
		long start = 0;
		long end = size - 1;
		if (ranges.size() == 1) {
			HttpRange range = ranges.get(0);
			try {
				start = range.getRangeStart(size);
				end = range.getRangeEnd(size);
			}
			catch (IllegalArgumentException ex) {
				start = size;
			}
			if (size == 0 || start >= size) {
				response.setStatusCode(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
				headers.set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
				return response.setComplete();
			}
			response.setStatusCode(HttpStatus.PARTIAL_CONTENT);
			headers.set(HttpHeaders.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + size);
		}
		else {
			// No range, or several: the whole asset (a server may ignore Range).
			response.setStatusCode(HttpStatus.OK);
		}
		headers.setContentType(MediaType.parseMediaType(asset.mime()));
		long length = end - start + 1;
		headers.setContentLength(length);
		if (exchange.getRequest().getMethod() == HttpMethod.HEAD) {
			return response.setComplete();
		}
		DataBuffer buffer = response.bufferFactory().wrap(ByteBuffer.wrap(bytes, (int) start, (int) length));
		return response.writeWith(Mono.just(buffer));
	}

	private static boolean notModified(List<String> ifNoneMatch, String sha256) {
		for (String tag : ifNoneMatch) {
			String value = tag.startsWith("W/") ? tag.substring(2) : tag;
			if (value.equals("*") || value.equals("\"" + sha256 + "\"") || value.equals(sha256)) {
				return true;
			}
		}
		return false;
	}

}

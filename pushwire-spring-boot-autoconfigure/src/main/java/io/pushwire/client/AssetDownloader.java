package io.pushwire.client;

import java.net.URI;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

import io.pushwire.core.Asset;
import io.pushwire.core.AssetIntegrityException;

/**
 * Resolves asset payloads (PROTOCOL.md §9) to their bytes: an inline asset decoded, a
 * pointer downloaded from the server the client talks to, with the client's credentials;
 * in both cases checked against the asset's {@code size} and {@code sha256} before the
 * bytes are handed over. A download reads at most {@code size} + 1 bytes. The token goes
 * in a bearer header, and also in a {@code token} query parameter where the client sends
 * SSE's that way ({@code sseQueryToken}).
 */
final class AssetDownloader {

	private final WebClient webClient;

	private final String baseUrl;

	private final PushCredentials credentials;

	private final @Nullable String basicAuth;

	private final boolean queryToken;

	AssetDownloader(WebClient webClient, String baseUrl, PushCredentials credentials, @Nullable String basicAuth,
			boolean queryToken) {
		this.webClient = webClient;
		this.baseUrl = baseUrl;
		this.credentials = credentials;
		this.basicAuth = basicAuth;
		this.queryToken = queryToken;
	}

	Mono<byte[]> resolve(Asset asset) {
		if (asset instanceof Asset.Inline inline) {
			return Mono.fromSupplier(() -> inline.verify(inline.decode()));
		}
		Asset.Pointer pointer = (Asset.Pointer) asset;
		return Mono.defer(() -> {
			URI url = url(pointer.url());
			int limit = (int) Math.min(Integer.MAX_VALUE - 8, pointer.size() + 1);
			return this.credentials.token()
				.map(Optional::of)
				.defaultIfEmpty(Optional.empty())
				.flatMap((token) -> this.webClient.get()
					.uri((token.isPresent() && this.queryToken)
							? org.springframework.web.util.UriComponentsBuilder.fromUri(url)
								.queryParam("token", token.get())
								.encode()
								.build()
								.toUri()
							: url)
					.headers((headers) -> authorize(headers, token.orElse(null)))
					.exchangeToMono((response) -> {
						if (response.statusCode().isError()) {
							return response.bodyToMono(String.class)
								.defaultIfEmpty("")
								.flatMap((body) -> Mono.error(new PushOperationException(
										"http_" + response.statusCode().value(), "Downloading asset " + pointer.sha256()
												+ " failed with " + response.statusCode() + " " + body,
										null)));
						}
						return DataBufferUtils.join(response.body(BodyExtractors.toDataBuffers()), limit)
							.map((buffer) -> {
								try {
									byte[] bytes = new byte[buffer.readableByteCount()];
									buffer.read(bytes);
									return bytes;
								}
								finally {
									DataBufferUtils.release(buffer);
								}
							})
							.defaultIfEmpty(new byte[0]);
					}))
				.onErrorMap(DataBufferLimitException.class,
						(ex) -> new AssetIntegrityException("Asset " + pointer.sha256() + " announced " + pointer.size()
								+ " bytes but more arrived"))
				.map(pointer::verify);
		});
	}

	/**
	 * The pointer's URL on the client's server: a path of the same origin, never another
	 * host.
	 * @param path the pointer's {@code url}
	 * @return the absolute URL
	 */
	URI url(String path) {
		if (!path.startsWith("/") || path.startsWith("//")) {
			throw new AssetIntegrityException("An asset's url must be a path on the same origin, not " + path);
		}
		String base = this.baseUrl;
		if (base.startsWith("wss:")) {
			base = "https:" + base.substring(4);
		}
		else if (base.startsWith("ws:")) {
			base = "http:" + base.substring(3);
		}
		return URI.create(base).resolve(path);
	}

	private void authorize(HttpHeaders headers, @Nullable String token) {
		if (token != null) {
			headers.setBearerAuth(token);
		}
		else if (this.basicAuth != null) {
			headers.set(HttpHeaders.AUTHORIZATION, this.basicAuth);
		}
	}

}

package io.pushwire.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebHandler;
import reactor.core.publisher.Mono;

/**
 * {@code GET /rps/client.js}: the browser client, {@code pushwire-client.js}, a
 * dependency-free ES module that speaks the protocol (docs/browser.md). Served from
 * memory with a strong {@code ETag} (the SHA-256 of its bytes) and
 * {@code Cache-Control: public, no-cache}: browsers and proxies keep it and revalidate it
 * with {@code If-None-Match}, answered 304 while the starter's version is unchanged.
 *
 * @since 0.1.0
 */
public final class BrowserClientEndpoint implements WebHandler {

	/** Where the script is on the class path. */
	public static final String RESOURCE = "io/pushwire/browser/pushwire-client.js";

	private static final MediaType JAVASCRIPT = MediaType.parseMediaType("text/javascript;charset=UTF-8");

	private final byte[] script;

	private final String etag;

	/**
	 * Create the endpoint, reading the script from the class path once.
	 */
	public BrowserClientEndpoint() {
		this(readScript());
	}

	BrowserClientEndpoint(byte[] script) {
		this.script = script.clone();
		this.etag = "\"" + sha256(this.script) + "\"";
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange) {
		HttpMethod method = exchange.getRequest().getMethod();
		ServerHttpResponse response = exchange.getResponse();
		if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
			return HttpRequests.methodNotAllowed(exchange, HttpMethod.GET);
		}
		HttpHeaders headers = response.getHeaders();
		headers.setETag(this.etag);
		headers.setCacheControl(CacheControl.noCache().cachePublic());
		headers.set("X-Content-Type-Options", "nosniff");
		List<String> ifNoneMatch = exchange.getRequest().getHeaders().getIfNoneMatch();
		if (ifNoneMatch.contains(this.etag) || ifNoneMatch.contains("W/" + this.etag) || ifNoneMatch.contains("*")) {
			response.setStatusCode(HttpStatus.NOT_MODIFIED);
			return response.setComplete();
		}
		headers.setContentType(JAVASCRIPT);
		headers.setContentLength(this.script.length);
		if (method == HttpMethod.HEAD) {
			return response.setComplete();
		}
		DataBuffer body = response.bufferFactory().wrap(this.script);
		return response.writeWith(Mono.just(body));
	}

	/**
	 * The script's entity tag, quoted.
	 * @return the ETag
	 */
	public String etag() {
		return this.etag;
	}

	private static byte[] readScript() {
		try (InputStream in = BrowserClientEndpoint.class.getClassLoader().getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("The browser client " + RESOURCE + " is missing from the class path");
			}
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the browser client " + RESOURCE, ex);
		}
	}

	private static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}

package io.pushwire.bench.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import io.pushwire.bench.common.BenchPayload;

/**
 * Publishes over HTTP, one request per message, as another service of the application
 * would: {@code POST /publish} with the payload as the body (the raw server, the
 * benchmark server), or {@code POST /demo/publish} with
 * {@code {"channel":"chat:bench","payload":...}} and a bearer token (the sample
 * application). At most {@code concurrency} requests are in flight, on pooled keep-alive
 * connections; a burst sends as fast as the responses come back.
 */
final class HttpPublisher implements Publisher {

	private final HttpClient http;

	private final String path;

	private final String channel;

	private final int concurrency;

	private final AtomicLong failures = new AtomicLong();

	/**
	 * Create a publisher.
	 * @param port the server's port
	 * @param target the server
	 * @param token the bearer token, or {@code null}
	 * @param concurrency the requests in flight at most
	 */
	HttpPublisher(int port, Target target, String token, int concurrency) {
		HttpClient client = HttpClient.create(ConnectionProvider.create("publisher", concurrency))
			.baseUrl("http://127.0.0.1:" + port)
			.responseTimeout(Duration.ofSeconds(30))
			.headers((headers) -> {
				headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
				if (token != null) {
					headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
				}
			});
		this.http = client;
		this.path = (target == Target.SAMPLE) ? "/demo/publish" : "/publish";
		this.channel = (target == Target.SAMPLE) ? target.channel() : null;
		this.concurrency = concurrency;
	}

	@Override
	public String publish(long from, int count, double rate, double maxSeconds) {
		Semaphore inFlight = new Semaphore(this.concurrency);
		long start = System.nanoTime();
		long deadline = (maxSeconds > 0) ? start + (long) (maxSeconds * 1e9) : Long.MAX_VALUE;
		int published = 0;
		for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
			Publisher.awaitDue(start, i, rate);
			inFlight.acquireUninterruptibly();
			byte[] body = body(BenchPayload.now(from + i));
			this.http.post()
				.uri(this.path)
				.send(ByteBufFlux.fromString(Mono.just(new String(body, StandardCharsets.UTF_8))))
				.responseSingle((response, content) -> {
					if (response.status().code() >= 300) {
						this.failures.incrementAndGet();
					}
					return content.then();
				})
				.doFinally((signal) -> inFlight.release())
				.subscribe(null, (ex) -> this.failures.incrementAndGet());
			published++;
		}
		try {
			// Every response in: the last message was handed over.
			inFlight.tryAcquire(this.concurrency, 60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		String summary = Publisher.summary(published, start);
		return summary.substring(0, summary.length() - 1) + ",\"failures\":" + this.failures.get() + "}";
	}

	private byte[] body(BenchPayload payload) {
		String json = payload.toJson();
		if (this.channel != null) {
			json = "{\"channel\":\"" + this.channel + "\",\"payload\":" + json + "}";
		}
		return json.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * A JWT for a user of the sample application, from {@code POST /demo/token} with HTTP
	 * Basic.
	 * @param port the sample's port
	 * @param user the user
	 * @param password the password
	 * @return the compact JWS
	 */
	static String sampleToken(int port, String user, String password) {
		String basic = java.util.Base64.getEncoder()
			.encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
		String json = HttpClient.create()
			.baseUrl("http://127.0.0.1:" + port)
			.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, "Basic " + basic))
			.post()
			.uri("/demo/token")
			.responseSingle((response, content) -> {
				if (response.status().code() != 200) {
					return Mono.error(new IllegalStateException("POST /demo/token answered " + response.status()));
				}
				return content.asString();
			})
			.block(Duration.ofSeconds(30));
		String token = Bytes.stringAfter(json, "\"token\":");
		if (token == null) {
			throw new IllegalStateException("No token in " + json);
		}
		return token;
	}

}

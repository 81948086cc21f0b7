package io.pushwire.bench.pushwire;

import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.pushwire.bench.common.BenchPayload;
import io.pushwire.bench.common.BenchPublisher;
import io.pushwire.bench.common.HeapProbe;
import io.pushwire.server.PushServer;

import static org.springframework.web.reactive.function.server.RouterFunctions.route;

/**
 * The benchmarked application: WebFlux with the pushwire starter and one channel kind,
 * {@code bench} (see {@code application.yml}).
 * {@code POST /bench/publish-rate?count=&concurrency=} measures acknowledged publishes
 * per second; {@code POST /bench/publish?from=&count=&rate=} publishes numbered payloads
 * to the channel {@code bench} through {@link PushServer#publish}; {@code POST /publish}
 * publishes its body, one message per request; {@code GET /bench/stats} reports heap and
 * collector figures. With {@code PUSHWIRE_METERS=on} (an environment variable or a system
 * property) the application has a Prometheus {@code MeterRegistry}, so pushwire records
 * its meters as an application with Actuator would, and {@code GET /bench/prometheus}
 * scrapes it; otherwise there is no registry and pushwire records nothing.
 */
@SpringBootApplication
public class PushwireBenchServer {

	static final String CHANNEL = "bench";

	public static void main(String[] args) {
		SpringApplication.run(PushwireBenchServer.class, args);
	}

	@Bean
	BenchPublisher benchPublisher(PushServer pushServer) {
		// publish() stores and fans out when subscribed; errors would only mean a
		// misconfigured kind.
		return new BenchPublisher((payload) -> pushServer.publish(CHANNEL, payload).subscribe());
	}

	@Bean
	RouterFunction<ServerResponse> benchRoutes(BenchPublisher publisher, PushServer pushServer,
			ObjectProvider<PrometheusMeterRegistry> meters) {
		return route().POST("/bench/publish", (request) -> publish(request, publisher))
			// HTTP publishing, one message per request, as the sample's /demo/publish but
			// without security.
			.POST("/publish",
					(request) -> request.bodyToMono(BenchPayload.class)
						.flatMap((payload) -> pushServer.publish(CHANNEL, payload))
						.flatMap((result) -> ServerResponse.ok()
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue("{\"cursor\":" + result.cursor() + "}")))
			.POST("/bench/publish-rate", (request) -> publishRate(request, pushServer))
			.GET("/bench/stats", (request) -> stats(request))
			.GET("/bench/prometheus", (request) -> scrape(meters.getIfAvailable()))
			.build();
	}

	private static Mono<ServerResponse> scrape(PrometheusMeterRegistry registry) {
		if (registry == null) {
			return ServerResponse.notFound().build();
		}
		return Mono.fromCallable(registry::scrape)
			.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
			.flatMap((text) -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(text));
	}

	private static Mono<ServerResponse> publish(ServerRequest request, BenchPublisher publisher) {
		long from = Long.parseLong(request.queryParam("from").orElse("0"));
		int count = Integer.parseInt(request.queryParam("count").orElse("1"));
		double rate = Double.parseDouble(request.queryParam("rate").orElse("0"));
		double maxSeconds = Double.parseDouble(request.queryParam("max-seconds").orElse("0"));
		BenchPayload.usePayloadBytes(Integer.parseInt(request.queryParam("payload-bytes").orElse("0")));
		return Mono.fromFuture(() -> publisher.publish(from, count, rate, maxSeconds))
			.flatMap((summary) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(summary));
	}

	/**
	 * How many publishes per second this node sustains: {@code count} publishes through
	 * {@link PushServer#publish}, {@code concurrency} of them in flight at once, each
	 * counted when the store acknowledged it (with Redis, once the script ran).
	 * @param request {@code count} (default 100,000) and {@code concurrency} (default
	 * 256)
	 * @param pushServer the server
	 * @return {@code published}, {@code failed}, {@code elapsed_us} and
	 * {@code per_second}
	 */
	private static Mono<ServerResponse> publishRate(ServerRequest request, PushServer pushServer) {
		int count = Integer.parseInt(request.queryParam("count").orElse("100000"));
		int concurrency = Integer.parseInt(request.queryParam("concurrency").orElse("256"));
		AtomicLong failed = new AtomicLong();
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return Flux.range(0, count)
				.flatMap((i) -> pushServer.publish(CHANNEL, BenchPayload.now(i)).onErrorResume((ex) -> {
					failed.incrementAndGet();
					return Mono.empty();
				}), concurrency)
				.count()
				.map((published) -> {
					long micros = Math.max(1, (System.nanoTime() - start) / 1_000);
					return "{\"published\":" + published + ",\"failed\":" + failed.get() + ",\"concurrency\":"
							+ concurrency + ",\"elapsed_us\":" + micros + ",\"per_second\":"
							+ Math.round(published * 1e6 / micros) + "}";
				});
		}).flatMap((json) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json));
	}

	private static Mono<ServerResponse> stats(ServerRequest request) {
		boolean gc = Boolean.parseBoolean(request.queryParam("gc").orElse("false"));
		return Mono.fromCallable(() -> HeapProbe.stats(gc))
			.subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic())
			.flatMap((json) -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(json));
	}

	/** Meters on: a Prometheus registry that pushwire's auto-configuration binds to. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "PUSHWIRE_METERS", havingValue = "on")
	static class MetersConfiguration {

		@Bean
		PrometheusMeterRegistry prometheusMeterRegistry() {
			return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		}

	}

}

package io.pushwire.bench.stomp;

import java.util.concurrent.CompletableFuture;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;

import io.pushwire.bench.common.BenchPayload;
import io.pushwire.bench.common.BenchPublisher;
import io.pushwire.bench.common.HeapProbe;

/**
 * The peer a Spring team would pick instead of pushwire: Spring MVC on Tomcat, STOMP over
 * a plain WebSocket at {@code /stomp}, the simple broker on {@code /topic}, defaults
 * everywhere except the Tomcat connection limit (see {@code application.properties}).
 * {@code POST /bench/publish} sends numbered payloads to {@code /topic/bench} with
 * {@link SimpMessagingTemplate}.
 */
@SpringBootApplication
public class StompBenchServer {

	static final String DESTINATION = "/topic/bench";

	public static void main(String[] args) {
		SpringApplication.run(StompBenchServer.class, args);
	}

	@Bean
	BenchPublisher benchPublisher(SimpMessagingTemplate template) {
		return new BenchPublisher((payload) -> template.convertAndSend(DESTINATION, payload.toJson()));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocketMessageBroker
	static class Broker implements WebSocketMessageBrokerConfigurer {

		@Override
		public void registerStompEndpoints(StompEndpointRegistry registry) {
			registry.addEndpoint("/stomp").setAllowedOriginPatterns("*");
		}

		@Override
		public void configureMessageBroker(MessageBrokerRegistry registry) {
			registry.enableSimpleBroker("/topic");
			registry.setApplicationDestinationPrefixes("/app");
		}

	}

	@RestController
	static class BenchController {

		private final BenchPublisher publisher;

		BenchController(BenchPublisher publisher) {
			this.publisher = publisher;
		}

		@PostMapping(path = "/bench/publish", produces = MediaType.APPLICATION_JSON_VALUE)
		CompletableFuture<String> publish(@RequestParam(defaultValue = "0") long from,
				@RequestParam(defaultValue = "1") int count, @RequestParam(defaultValue = "0") double rate,
				@RequestParam(name = "max-seconds", defaultValue = "0") double maxSeconds,
				@RequestParam(name = "payload-bytes", defaultValue = "0") int payloadBytes) {
			BenchPayload.usePayloadBytes(payloadBytes);
			return this.publisher.publish(from, count, rate, maxSeconds);
		}

		@GetMapping(path = "/bench/stats", produces = MediaType.APPLICATION_JSON_VALUE)
		ResponseEntity<String> stats(@RequestParam(defaultValue = "false") boolean gc) {
			return ResponseEntity.ok(HeapProbe.stats(gc));
		}

	}

}

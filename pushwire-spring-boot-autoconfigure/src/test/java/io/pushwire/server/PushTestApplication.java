package io.pushwire.server;

import java.security.Principal;
import java.util.Map;

import io.pushwire.core.ErrorCode;
import io.pushwire.security.AuthValidator;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.handler.PushHandlerException;
import io.pushwire.server.handler.PushReply;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The application the end-to-end tests start: tokens {@code token-<user>} authenticate as the user,
 * and programmatic handlers for {@code chat} (broadcast), {@code fail} (throws) and {@code reject}
 * (refuses with {@code forbidden}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration" })
public class PushTestApplication {

	/** The properties every end-to-end test shares, so that they share one context. */
	public static final String[] PROPERTIES = { "pushwire.server.channels.chat.priority=normal", "pushwire.server.channels.chat.history-size=8192",
			"pushwire.server.channels.alerts.priority=high", "pushwire.server.channels.alerts.publish=none",
			"pushwire.server.channels.ticker.priority=low", "pushwire.server.channels.inbox.subscribe=owner",
			"pushwire.server.channels.small.history-size=10", "pushwire.server.channels.fail.priority=normal",
			"pushwire.server.channels.reject.priority=normal", "pushwire.server.heartbeat=400ms",
			"pushwire.server.heartbeat-grace=400ms", "pushwire.server.handshake-timeout=1s",
			"pushwire.server.max-message-size=4KB" };

	@Bean
	AuthValidator testAuthValidator() {
		return (request) -> {
			String token = request.token();
			if (token != null && token.startsWith("token-")) {
				String name = token.substring("token-".length());
				return Mono.just((Principal) () -> name);
			}
			return Mono.empty();
		};
	}

	@Bean
	ChannelHandlerRegistry testHandlers() {
		ChannelHandlerRegistry registry = new ChannelHandlerRegistry();
		registry.register("chat", (invocation) -> Flux.just(PushReply.of(Map.of("from", invocation.principal().getName(),
				"text", invocation.frame().payload().path("text").asString("")))), "test chat handler");
		registry.register("fail", (invocation) -> Flux.error(new IllegalStateException("boom")), "test failing handler");
		registry.register("reject",
				(invocation) -> Flux.error(new PushHandlerException(ErrorCode.FORBIDDEN, "not today")),
				"test rejecting handler");
		return registry;
	}

}

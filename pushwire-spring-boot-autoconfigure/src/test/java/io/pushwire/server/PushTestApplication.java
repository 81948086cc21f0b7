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
 * The application the end-to-end tests start: tokens {@code token-<user>} authenticate as the user
 * ({@code nameless} as a principal without a name),
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

	@Bean
	AuthValidator testAuthValidator() {
		return (request) -> {
			String token = request.token();
			if ("nameless".equals(token)) {
				// A broken validator's principal: the server must refuse it, not fail on it.
				return Mono.just((Principal) () -> null);
			}
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

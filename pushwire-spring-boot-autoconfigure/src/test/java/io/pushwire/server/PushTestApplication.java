package io.pushwire.server;

import java.security.Principal;
import java.time.Instant;
import java.util.Map;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.pushwire.core.ErrorCode;
import io.pushwire.security.AuthValidator;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.handler.PushHandlerException;
import io.pushwire.server.handler.PushReply;

/**
 * The application the end-to-end tests start: tokens {@code token-<user>} authenticate as
 * the user ({@code nameless} as a principal without a name; while
 * {@link #failExpiryLookups} is set, the expiry of {@code token-broken-expiry}'s
 * credentials cannot be read, as with a buggy validator), and programmatic handlers for
 * {@code chat} (broadcast), {@code fail} (throws) and {@code reject} (refuses with
 * {@code forbidden}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
		"org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
		"org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.reactive.ReactiveOAuth2ResourceServerWebSecurityAutoConfiguration" })
public class PushTestApplication {

	/** Whether the expiry of the principal {@code broken-expiry} fails to be read. */
	public static volatile boolean failExpiryLookups;

	@Bean
	AuthValidator testAuthValidator() {
		return new AuthValidator() {

			@Override
			public Mono<Principal> authenticate(io.pushwire.security.AuthRequest request) {
				String token = request.token();
				if ("nameless".equals(token)) {
					// A broken validator's principal: the server must refuse it, not fail
					// on it.
					return Mono.just((Principal) () -> null);
				}
				if (token != null && token.startsWith("token-")) {
					String name = token.substring("token-".length());
					return Mono.just((Principal) () -> name);
				}
				return Mono.empty();
			}

			@Override
			public Instant expiresAt(Principal principal) {
				if (failExpiryLookups && "broken-expiry".equals(principal.getName())) {
					throw new IllegalStateException("expiry lookup failed");
				}
				return AuthValidator.super.expiresAt(principal);
			}

		};
	}

	@Bean
	ChannelHandlerRegistry testHandlers() {
		ChannelHandlerRegistry registry = new ChannelHandlerRegistry();
		registry.register("chat", (invocation) -> Flux.just(PushReply.of(Map.of("from",
				invocation.principal().getName(), "text", invocation.frame().payload().path("text").asString("")))),
				"test chat handler");
		registry.register("fail", (invocation) -> Flux.error(new IllegalStateException("boom")),
				"test failing handler");
		registry.register("reject",
				(invocation) -> Flux.error(new PushHandlerException(ErrorCode.FORBIDDEN, "not today")),
				"test rejecting handler");
		return registry;
	}

}

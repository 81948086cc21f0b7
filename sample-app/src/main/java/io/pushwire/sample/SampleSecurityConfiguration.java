package io.pushwire.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.userdetails.MapReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;

import io.pushwire.security.PushwireSecurityCustomizer;

/**
 * The sample's users and HTTP security. The push endpoints are open at the HTTP level
 * because pushwire authenticates their clients itself: from the credentials on the
 * upgrade request when there are any (checked by this chain like on any other request),
 * otherwise from the token in the protocol's {@code auth} message. A client that presents
 * neither is closed with 4001.
 */
@Configuration(proxyBeanMethods = false)
class SampleSecurityConfiguration {

	@Bean
	SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, PushwireSecurityCustomizer pushwire) {
		// First: opens pushwire's routes at the HTTP level (their clients are
		// authenticated by the
		// protocol) before anyExchange() below closes everything else.
		pushwire.customize(http);
		// The demo page and its static files are public (it signs in with HTTP Basic from
		// script); the
		// APIs stay protected.
		http.authorizeExchange((exchanges) -> exchanges
			.pathMatchers(HttpMethod.GET, "/", "/index.html", "/demo.js", "/demo.css", "/favicon.ico")
			.permitAll()
			.pathMatchers("/actuator/health", "/actuator/health/**")
			.permitAll()
			.anyExchange()
			.authenticated());
		http.httpBasic(Customizer.withDefaults());
		http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()));
		// An API for scripts and push clients that authenticate every request with a
		// header
		// (Basic or Bearer) or the protocol's auth message, never with a cookie: no
		// session for a
		// forged cross-site request to ride on, so CSRF tokens would only get in the way.
		http.csrf(ServerHttpSecurity.CsrfSpec::disable);
		// For the same reason, no WebSession at all: the default security context
		// repository and request cache (for redirects after a form login, which the
		// sample has none of) ask for one on every request, and making one costs a
		// SecureRandom UUID on boundedElastic, then a hop to parallel, on every
		// POST /demo/publish and every handshake (benchmarks/RESULTS.md, scenario P).
		http.securityContextRepository(NoOpServerSecurityContextRepository.getInstance());
		http.requestCache((cache) -> cache.requestCache(NoOpServerRequestCache.getInstance()));
		return http.build();
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	MapReactiveUserDetailsService userDetailsService(PasswordEncoder passwordEncoder) {
		return new MapReactiveUserDetailsService(user("alice", "alice-pass", passwordEncoder),
				user("bob", "bob-pass", passwordEncoder));
	}

	private static UserDetails user(String name, String password, PasswordEncoder passwordEncoder) {
		return User.withUsername(name).password(passwordEncoder.encode(password)).roles("USER").build();
	}

}

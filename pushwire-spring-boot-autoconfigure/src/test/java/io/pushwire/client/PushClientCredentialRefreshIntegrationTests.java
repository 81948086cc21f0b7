package io.pushwire.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;

import io.pushwire.security.PushwireSecurityCustomizer;
import io.pushwire.server.PushServer;
import io.pushwire.server.connection.ConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PushClient}'s credentials against this project's server with real JWTs
 * (PROTOCOL.md §7.1): the supplier is asked on every attempt and before every
 * {@code refresh}, a refresh ahead of the expiry keeps the connection, and a connection
 * closed with 4011 comes back with fresh credentials and resumes.
 * <p>
 * Both sides run their timers on one {@link VirtualTimeScheduler} set to the wall clock
 * when each test starts (the server's through {@link ConnectionFactory#setTimers}, the
 * client's through {@link PushClient.Builder#scheduler}), so expiries and refreshes are
 * reached by advancing it, never by waiting. Tokens expire relative to that clock; the
 * JWT decoder checks {@code exp} against the real clock, which stays behind the virtual
 * one, so every token it sees is still valid for it. The client's heartbeat grace is an
 * hour so that its watchdog, also on the virtual clock, does not call the connection dead
 * when minutes pass in a step.
 */
@SpringBootTest(classes = PushClientCredentialRefreshIntegrationTests.JwtApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
				"pushwire.server.channels.chat.priority=normal", "pushwire.server.channels.chat.history-size=1024" })
class PushClientCredentialRefreshIntegrationTests {

	static final SecretKey KEY = new SecretKeySpec(
			"pushwire-client-refresh-key-0123456789".getBytes(StandardCharsets.UTF_8), "HmacSHA256");

	static final Duration WAIT = Duration.ofSeconds(15);

	static final Duration LIFETIME = Duration.ofSeconds(120);

	@LocalServerPort
	int port;

	@Autowired
	ConnectionFactory connections;

	@Autowired
	PushServer pushServer;

	private VirtualTimeScheduler time;

	private Instant start;

	private final List<PushClient> clients = new ArrayList<>();

	@BeforeEach
	void virtualTime() {
		this.time = VirtualTimeScheduler.create();
		this.start = Instant.now();
		this.time.advanceTimeTo(this.start);
		this.connections.setTimers(this.time);
	}

	@AfterEach
	void realTime() {
		Flux.fromIterable(this.clients).flatMap(PushClient::disconnect).then().block(WAIT);
		this.connections.setTimers(Schedulers.parallel());
		this.time.dispose();
	}

	@Test
	void refreshesAheadOfExpiryWithAFreshTokenAndTheConnectionOutlivesTheFirstToken() {
		String channel = "chat:" + UUID.randomUUID();
		AtomicInteger calls = new AtomicInteger();
		PushClient client = client(channel, (call) -> Mono.fromSupplier(() -> validToken()), calls);
		Flux<PushClientEvent> events = client.events().replay().autoConnect(0);
		List<PushClientEvent> seen = new CopyOnWriteArrayList<>();
		events.subscribe(seen::add);
		List<PushFrame<JsonNode>> frames = new CopyOnWriteArrayList<>();
		client.frames().subscribe(frames::add);
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		assertThat(calls.get()).isEqualTo(1);
		long firstExpiry = expiryOf(this.start);

		// 80 % of the lifetime: the client asks for a fresh token and sends refresh.
		advanceTo(this.start.plus(LIFETIME.multipliedBy(8).dividedBy(10)).minusSeconds(1));
		assertThat(calls.get()).isEqualTo(1);
		advanceTo(this.start.plus(LIFETIME.multipliedBy(9).dividedBy(10)));
		PushClientEvent.TokenRefreshed refreshed = next(events, PushClientEvent.TokenRefreshed.class);
		assertThat(calls.get()).isEqualTo(2);
		assertThat(refreshed.expiresAtMs()).isGreaterThan(firstExpiry);

		// Past the first token's expiry: no goodbye, no 4011, frames still flow on the
		// same connection.
		advanceTo(Instant.ofEpochMilli(firstExpiry).plusSeconds(1));
		this.pushServer.publish(channel, Map.of("n", 1)).block(WAIT);
		StepVerifier.create(client.frames().filter((frame) -> frame.cursor() == 2).next())
			.then(() -> this.pushServer.publish(channel, Map.of("n", 2)).block(WAIT))
			.expectNextCount(1)
			.expectComplete()
			.verify(WAIT);
		assertThat(frames).extracting(PushFrame::cursor).containsExactly(1L, 2L);
		assertThat(client.state().status()).isEqualTo(PushClientStatus.CONNECTED);
		assertThat(client.state().reconnectCount()).isZero();
		assertThat(calls.get()).isEqualTo(2);
		assertThat(seen).noneMatch(PushClientEvent.Disconnected.class::isInstance)
			.noneMatch(PushClientEvent.Error.class::isInstance);
	}

	@Test
	void aRefusedRefreshEndsWith4011AndTheClientReconnectsWithFreshCredentialsAndResumes() {
		String channel = "chat:" + UUID.randomUUID();
		AtomicInteger calls = new AtomicInteger();
		Sinks.One<Void> thirdAsked = Sinks.one();
		Sinks.One<Void> release = Sinks.one();
		PushClient client = client(channel, (call) -> switch (call) {
			case 1 -> Mono.fromSupplier(() -> validToken());
			// The refresh: a token the server refuses, so the first one stays in force
			// until it expires.
			case 2 -> Mono.just("not-a-jwt");
			// The reconnect after 4011: held until the test has published frames the
			// client must catch up on.
			default -> Mono.fromRunnable(thirdAsked::tryEmitEmpty)
				.then(release.asMono())
				.then(Mono.fromSupplier(() -> validToken()));
		}, calls);
		Flux<PushClientEvent> events = client.events().replay().autoConnect(0);
		List<PushFrame<JsonNode>> frames = new CopyOnWriteArrayList<>();
		client.frames().subscribe(frames::add);
		StepVerifier.create(client.connect()).expectComplete().verify(WAIT);
		String clientId = client.state().clientId();
		Mono<PushFrame<JsonNode>> third = client.frames().filter((frame) -> frame.cursor() == 3).next().cache();
		third.subscribe();
		Flux.range(1, 3).concatMap((n) -> this.pushServer.publish(channel, Map.of("n", n))).blockLast(WAIT);
		StepVerifier.create(third).expectNextCount(1).expectComplete().verify(WAIT);

		advanceTo(this.start.plus(LIFETIME.multipliedBy(9).dividedBy(10)));
		PushClientEvent.Error refused = next(events, PushClientEvent.Error.class);
		assertThat(refused.code()).isEqualTo("unauthorized");
		assertThat(calls.get()).isEqualTo(2);
		assertThat(client.state().status()).isEqualTo(PushClientStatus.CONNECTED);

		// The first token expires: the server closes with 4011 and the client asks for
		// fresh credentials.
		advanceTo(Instant.ofEpochMilli(expiryOf(this.start)));
		PushClientEvent.Disconnected disconnected = next(events, PushClientEvent.Disconnected.class);
		assertThat(disconnected.code()).isEqualTo(4011);
		StepVerifier.create(thirdAsked.asMono()).expectComplete().verify(WAIT);
		Flux.range(4, 3).concatMap((n) -> this.pushServer.publish(channel, Map.of("n", n))).blockLast(WAIT);
		Mono<PushFrame<JsonNode>> seventh = client.frames().filter((frame) -> frame.cursor() == 7).next().cache();
		seventh.subscribe();
		release.tryEmitEmpty();
		StepVerifier.create(events.filter(PushClientEvent.Connected.class::isInstance).skip(1).next())
			.expectNextCount(1)
			.expectComplete()
			.verify(WAIT);
		this.pushServer.publish(channel, Map.of("n", 7)).block(WAIT);
		StepVerifier.create(seventh).expectNextCount(1).expectComplete().verify(WAIT);

		assertThat(calls.get()).isEqualTo(3);
		assertThat(frames).extracting(PushFrame::cursor)
			.as("frames published while disconnected replayed, none twice")
			.containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
		assertThat(frames).extracting((frame) -> frame.payload().path("n").asInt())
			.containsExactly(1, 2, 3, 4, 5, 6, 7);
		PushClientState state = client.state();
		assertThat(state.status()).isEqualTo(PushClientStatus.CONNECTED);
		assertThat(state.reconnectCount()).isEqualTo(1);
		assertThat(state.clientId()).isEqualTo(clientId);
	}

	private PushClient client(String channel, Function<Integer, Mono<String>> tokens, AtomicInteger calls) {
		PushClient client = PushClient.builder()
			.baseUrl("http://localhost:" + this.port + "/rps")
			.channels(channel)
			.transport(TransportPreference.WS_ONLY)
			.credentials(() -> Mono.defer(() -> tokens.apply(calls.incrementAndGet())))
			.retryStrategy(RetryStrategy.fixed(Duration.ZERO, 0))
			.timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofHours(1))
			.scheduler(this.time)
			.build();
		this.clients.add(client);
		return client;
	}

	/** A token for alice that expires {@link #LIFETIME} after the virtual clock's now. */
	private String validToken() {
		return token("alice", Instant.ofEpochMilli(this.time.now(TimeUnit.MILLISECONDS)).plus(LIFETIME));
	}

	/**
	 * The {@code expires_at_ms} of a token issued at an instant (JWT expiries are in
	 * seconds).
	 */
	private static long expiryOf(Instant issued) {
		return issued.plus(LIFETIME).truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
	}

	private void advanceTo(Instant instant) {
		this.time.advanceTimeTo(instant);
	}

	private static <E extends PushClientEvent> E next(Flux<PushClientEvent> events, Class<E> type) {
		List<E> found = new ArrayList<>();
		StepVerifier.create(events.ofType(type).next()).consumeNextWith(found::add).expectComplete().verify(WAIT);
		return found.get(0);
	}

	static String token(String user, Instant expiresAt) {
		JwtClaimsSet claims = JwtClaimsSet.builder()
			.subject(user)
			.issuedAt(expiresAt.minusSeconds(3600))
			.expiresAt(expiresAt)
			.build();
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
		return NimbusJwtEncoder.withSecretKey(KEY)
			.algorithm(MacAlgorithm.HS256)
			.build()
			.encode(JwtEncoderParameters.from(header, claims))
			.getTokenValue();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class JwtApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, PushwireSecurityCustomizer pushwire) {
			pushwire.customize(http);
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.oauth2ResourceServer((resourceServer) -> resourceServer.jwt(Customizer.withDefaults()));
			return http.build();
		}

		@Bean
		ReactiveJwtDecoder jwtDecoder() {
			return NimbusReactiveJwtDecoder.withSecretKey(KEY).macAlgorithm(MacAlgorithm.HS256).build();
		}

	}

}

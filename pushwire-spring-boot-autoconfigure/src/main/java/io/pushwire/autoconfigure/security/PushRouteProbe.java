package io.pushwire.autoconfigure.security;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.DefaultServerWebExchange;
import org.springframework.web.server.i18n.AcceptHeaderLocaleContextResolver;
import org.springframework.web.server.session.DefaultWebSessionManager;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs one request without credentials through the application's Spring Security filter
 * (its {@code WebFilterChainProxy}, so the firewall, the chain that matches first and its
 * filters, as for a real request) and tells whether it reached what comes after: an
 * in-memory exchange, a session store of its own, a response whose body is discarded.
 * Nothing reaches pushwire's endpoints or the network.
 */
final class PushRouteProbe {

	private static final ServerCodecConfigurer CODECS = ServerCodecConfigurer.create();

	private PushRouteProbe() {
	}

	/**
	 * Run a request through the security filter.
	 * @param securityFilter the application's security filter
	 * @param route the request
	 * @return the status it was refused with ({@code 0} if refused without one), or empty
	 * when it passed
	 */
	static Mono<Integer> refusal(WebFilter securityFilter, PushRouteSecurityCheck.Route route) {
		return Mono.defer(() -> {
			ProbeResponse response = new ProbeResponse();
			ServerWebExchange exchange = new DefaultServerWebExchange(new ProbeRequest(route), response,
					new DefaultWebSessionManager(), CODECS, new AcceptHeaderLocaleContextResolver());
			AtomicBoolean passed = new AtomicBoolean();
			return securityFilter.filter(exchange, (filtered) -> {
				passed.set(true);
				return Mono.empty();
			}).then(Mono.fromSupplier(() -> {
				if (passed.get()) {
					return null;
				}
				HttpStatusCode status = response.getStatusCode();
				return (status != null) ? status.value() : 0;
			}));
		});
	}

	/** A request on {@code http://localhost} with the route's method and headers. */
	private static final class ProbeRequest extends AbstractServerHttpRequest {

		ProbeRequest(PushRouteSecurityCheck.Route route) {
			super(route.method(), URI.create("http://localhost" + route.uri()), null, headers(route));
		}

		private static HttpHeaders headers(PushRouteSecurityCheck.Route route) {
			HttpHeaders headers = new HttpHeaders();
			headers.set(HttpHeaders.HOST, "localhost");
			route.headers().forEach(headers::set);
			return headers;
		}

		@Override
		protected MultiValueMap<String, HttpCookie> initCookies() {
			return new LinkedMultiValueMap<>();
		}

		@Override
		protected @Nullable SslInfo initSslInfo() {
			return null;
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.empty();
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T> T getNativeRequest() {
			return (T) this;
		}

	}

	/** A response that keeps its status and headers and discards its body. */
	private static final class ProbeResponse extends AbstractServerHttpResponse {

		ProbeResponse() {
			super(DefaultDataBufferFactory.sharedInstance);
		}

		@Override
		@SuppressWarnings("unchecked")
		public <T> T getNativeResponse() {
			return (T) this;
		}

		@Override
		protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> body) {
			return Flux.from(body).doOnNext(DataBufferUtils::release).then();
		}

		@Override
		protected Mono<Void> writeAndFlushWithInternal(Publisher<? extends Publisher<? extends DataBuffer>> body) {
			return Flux.from(body).concatMap(this::writeWithInternal).then();
		}

		@Override
		protected void applyStatusCode() {
		}

		@Override
		protected void applyHeaders() {
		}

		@Override
		protected void applyCookies() {
		}

	}

}

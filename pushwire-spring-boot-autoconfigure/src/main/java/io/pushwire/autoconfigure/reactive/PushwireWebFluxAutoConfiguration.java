package io.pushwire.autoconfigure.reactive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;

import io.pushwire.autoconfigure.InvalidPushwirePropertyException;
import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.autoconfigure.PushwireServerProperties;
import io.pushwire.core.Fragments;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.WireFormats;
import io.pushwire.security.PushwireCors;
import io.pushwire.server.PushServer;
import io.pushwire.server.asset.AssetStore;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.Acknowledgements;
import io.pushwire.server.connection.ClientAuthenticator;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.FrameDispatcher;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.connection.ServerLimits;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.http.AckEndpoint;
import io.pushwire.server.http.AssetEndpoint;
import io.pushwire.server.http.BrowserClientEndpoint;
import io.pushwire.server.http.HttpSettings;
import io.pushwire.server.http.SendEndpoint;
import io.pushwire.server.sse.SseEndpoint;
import io.pushwire.server.websocket.LeanHandshakeUpgradeStrategy;
import io.pushwire.server.websocket.PushWebSocketEndpoint;
import io.pushwire.server.websocket.PushWebSocketHandler;

/**
 * Auto-configuration of the pushwire server's WebFlux endpoints. The WebSocket handler
 * and endpoint, the SSE, ack and send endpoints ({@code pushwire.server.sse.enabled}) and
 * the browser client script ({@code pushwire.server.browser-client.enabled}) are each a
 * bean that backs off when the application declares its own of the same type; the
 * {@code pushwireHandlerMapping} routes {@code pushwire.server.path} and the paths under
 * it to whichever beans there are. Applies where {@link PushwireServerAutoConfiguration}
 * has contributed a {@link PushServer}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PushwireServerAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ WebSocketHandler.class, HttpServer.class })
@ConditionalOnBooleanProperty(name = "pushwire.server.enabled", matchIfMissing = true)
@ConditionalOnBean(PushServer.class)
public final class PushwireWebFluxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PushWebSocketHandler pushwireWebSocketHandler(ConnectionFactory connections, PushServerSettings settings,
			WireFormats formats, PushwireServerProperties properties) {
		long fragmentSize = properties.getFragmentSize().toBytes();
		if (fragmentSize < Fragments.MIN_FRAGMENT_SIZE || fragmentSize > Integer.MAX_VALUE) {
			throw new InvalidPushwirePropertyException("pushwire.server.fragment-size", properties.getFragmentSize(),
					"must be at least " + Fragments.MIN_FRAGMENT_SIZE + "B");
		}
		return new PushWebSocketHandler(connections, settings, formats, properties.getWebsocket().isAllowQueryToken(),
				(int) fragmentSize);
	}

	@Bean
	@ConditionalOnMissingBean
	PushWebSocketEndpoint pushwireWebSocketEndpoint(PushServerSettings settings, ProtocolCodec codec,
			PushWebSocketHandler handler, PushwireServerProperties properties, ConnectionAdmission admission) {
		long maxMessage = settings.maxMessageSize();
		// Netty's own limit sits above ours, so that a message just over the limit
		// reaches the handler
		// and gets a goodbye too_large before the 1009 close.
		int frameLimit = (int) Math.min(Integer.MAX_VALUE - 1, Math.max(2 * maxMessage, maxMessage + 65536));
		ReactorNettyRequestUpgradeStrategy strategy = new ReactorNettyRequestUpgradeStrategy(
				() -> WebsocketServerSpec.builder().maxFramePayloadLength(frameLimit).handlePing(false));
		return new PushWebSocketEndpoint(new HandshakeWebSocketService(new LeanHandshakeUpgradeStrategy(strategy)),
				handler, properties.getAllowedOrigins(), codec.mapper(), admission);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBooleanProperty(name = "pushwire.server.browser-client.enabled", matchIfMissing = true)
	BrowserClientEndpoint pushwireBrowserClientEndpoint() {
		return new BrowserClientEndpoint();
	}

	@Bean
	@ConditionalOnMissingBean(name = "pushwireHandlerMapping")
	HandlerMapping pushwireHandlerMapping(PushWebSocketEndpoint endpoint, ObjectProvider<SseEndpoint> sseEndpoint,
			ObjectProvider<AckEndpoint> ackEndpoint, ObjectProvider<SendEndpoint> sendEndpoint,
			ObjectProvider<BrowserClientEndpoint> browserClientEndpoint, ObjectProvider<AssetEndpoint> assetEndpoint,
			PushwireServerProperties properties) {
		// Checked here, where the path is used, so that it is checked with an
		// application's own settings too.
		String path = InvalidPushwirePropertyException.checkPath(properties.getPath());
		Map<String, Object> routes = new LinkedHashMap<>();
		routes.put(path, endpoint);
		// The properties decide which routes exist, the beans what serves them: an
		// application's own
		// endpoint bean is mapped where the auto-configured one would be.
		PushwireServerProperties.Sse sse = properties.getSse();
		if (sse.isEnabled()) {
			routes.put(path + "/sse", sseEndpoint.getObject());
			routes.put(path + "/ack", ackEndpoint.getObject());
			routes.put(path + "/send", sendEndpoint.getObject());
		}
		AssetEndpoint assets = assetEndpoint.getIfAvailable();
		if (assets != null) {
			routes.put(path + "/assets/*", assets);
		}
		String clientPath = properties.getBrowserClient().resolvePath(path);
		if (clientPath != null) {
			routes.put(clientPath, browserClientEndpoint.getObject());
		}
		SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(routes) {

			@Override
			protected boolean hasCorsConfigurationSource(Object handler) {
				// The WebSocket endpoint checks Origin itself; its upgrade stays clear of
				// CORS processing.
				return !(handler instanceof PushWebSocketEndpoint) && super.hasCorsConfigurationSource(handler);
			}

		};
		mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
		if (sse.isEnabled()) {
			// The same origins, and the same matching, as the WebSocket's Origin check;
			// none configured:
			// same origin only.
			CorsConfiguration cors = PushwireCors.forHttpEndpoints(properties.getAllowedOrigins());
			Map<String, CorsConfiguration> corsConfigurations = new LinkedHashMap<>();
			for (String route : List.of("/sse", "/ack", "/send", "/assets/*")) {
				corsConfigurations.put(path + route, cors);
			}
			mapping.setCorsConfigurations(corsConfigurations);
		}
		return mapping;
	}

	/**
	 * {@code GET <path>/assets/{sha256}}: the bytes of assets sent by pointer. A
	 * {@code token} query parameter authenticates where SSE allows one
	 * ({@code pushwire.server.sse.allow-query-token}), so that an {@code <img>} can show
	 * an asset.
	 * @param authenticator authenticates the requests
	 * @param channels the declared channel kinds
	 * @param authorizer decides who may subscribe to the asset's channels
	 * @param store the assets
	 * @param codec the protocol codec
	 * @param properties the server properties
	 * @return the endpoint
	 */
	@Bean
	@ConditionalOnMissingBean
	AssetEndpoint pushwireAssetEndpoint(ClientAuthenticator authenticator, ChannelRegistry channels,
			ChannelAuthorizer authorizer, AssetStore store, ProtocolCodec codec, PushwireServerProperties properties) {
		PushwireServerProperties.Sse sse = properties.getSse();
		return new AssetEndpoint(authenticator, channels, authorizer, store, codec,
				new HttpSettings(sse.getRetry(), sse.isAllowQueryToken()));
	}

	/**
	 * The HTTP endpoints for clients that cannot open a WebSocket: the SSE stream and the
	 * ack and send requests that go with it.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "pushwire.server.sse.enabled", matchIfMissing = true)
	static class HttpEndpointsConfiguration {

		// One settings object shared by the three endpoints, as before they were beans.
		private final HttpSettings settings;

		HttpEndpointsConfiguration(PushwireServerProperties properties) {
			PushwireServerProperties.Sse sse = properties.getSse();
			this.settings = new HttpSettings(sse.getRetry(), sse.isAllowQueryToken());
		}

		@Bean
		@ConditionalOnMissingBean
		SseEndpoint pushwireSseEndpoint(ConnectionFactory connections, ClientAuthenticator authenticator,
				ProtocolCodec codec, PushServerSettings serverSettings, ConnectionAdmission admission) {
			return new SseEndpoint(connections, authenticator, codec, serverSettings, this.settings, admission);
		}

		@Bean
		@ConditionalOnMissingBean
		AckEndpoint pushwireAckEndpoint(ClientAuthenticator authenticator, SessionRegistry sessions,
				Acknowledgements acknowledgements, ProtocolCodec codec, PushServerSettings serverSettings,
				ServerLimits limits) {
			return new AckEndpoint(authenticator, sessions, acknowledgements, codec, serverSettings, limits,
					this.settings);
		}

		@Bean
		@ConditionalOnMissingBean
		SendEndpoint pushwireSendEndpoint(ClientAuthenticator authenticator, SessionRegistry sessions,
				FrameDispatcher frames, ProtocolCodec codec, PushServerSettings serverSettings, ServerLimits limits) {
			return new SendEndpoint(authenticator, sessions, frames, codec, serverSettings, limits, this.settings);
		}

	}

}

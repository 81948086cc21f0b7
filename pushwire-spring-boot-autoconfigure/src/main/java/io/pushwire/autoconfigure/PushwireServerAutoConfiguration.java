package io.pushwire.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pushwire.core.ProtocolCodec;
import io.pushwire.security.AccessRule;
import io.pushwire.security.AuthValidator;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.security.PushwireCors;
import io.pushwire.security.RequestPrincipalAuthValidator;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.support.DefaultPushServer;
import io.pushwire.server.PushServer;
import io.pushwire.server.support.PushServerLifecycle;
import io.pushwire.server.connection.Acknowledgements;
import io.pushwire.server.connection.ChannelPublisher;
import io.pushwire.server.connection.ClientAuthenticator;
import io.pushwire.server.connection.ClientChannels;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.FrameDispatcher;
import io.pushwire.server.connection.HeartbeatMonitor;
import io.pushwire.server.connection.PresenceRegistry;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.connection.ServerLimits;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.http.AckEndpoint;
import io.pushwire.server.http.BrowserClientEndpoint;
import io.pushwire.server.http.HttpSettings;
import io.pushwire.server.http.SendEndpoint;
import io.pushwire.server.sse.SseEndpoint;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.handler.PushHandlerMethodDetector;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.InMemoryChannelStreamStore;
import io.pushwire.server.websocket.LeanHandshakeUpgradeStrategy;
import io.pushwire.server.websocket.PushWebSocketEndpoint;
import io.pushwire.server.websocket.PushWebSocketHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.reactive.socket.server.upgrade.ReactorNettyRequestUpgradeStrategy;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.WebsocketServerSpec;
import tools.jackson.databind.json.JsonMapper;

/**
 * Auto-configuration of the pushwire server in a reactive web application: channel kinds from
 * {@code pushwire.server.channels}, in-memory streams, sessions, the {@link PushServer} API and the
 * WebSocket endpoint. Every bean backs off when the application declares its own.
 */
@AutoConfiguration(after = JacksonAutoConfiguration.class,
		afterName = "io.pushwire.autoconfigure.security.PushwireSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ WebSocketHandler.class, HttpServer.class, JsonMapper.class })
@ConditionalOnBooleanProperty(name = "pushwire.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PushwireServerProperties.class)
public final class PushwireServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ProtocolCodec pushwireProtocolCodec() {
		return new ProtocolCodec();
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelRegistry pushwireChannelRegistry(PushwireServerProperties properties, ObjectProvider<ChannelKind> kinds) {
		List<ChannelKind> all = new ArrayList<>();
		for (Map.Entry<String, PushwireServerProperties.Channel> entry : properties.getChannels().entrySet()) {
			all.add(toKind(entry.getKey(), entry.getValue()));
		}
		kinds.orderedStream().forEach(all::add);
		try {
			return new ChannelRegistry(all);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("Invalid pushwire.server.channels: " + ex.getMessage(), ex);
		}
	}

	private static ChannelKind toKind(String name, PushwireServerProperties.Channel channel) {
		String prefix = "pushwire.server.channels." + name;
		AccessRule subscribe = parseRule(prefix + ".subscribe", channel.getSubscribe());
		AccessRule publish = parseRule(prefix + ".publish", channel.getPublish());
		try {
			return new ChannelKind(name, channel.getPriority(),
					(channel.getWireId() != null) ? channel.getWireId() : -1, channel.getHistorySize(),
					channel.getHistoryTtl(), subscribe, publish, channel.isPresence(), channel.isJoinLeave());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(prefix + ": " + ex.getMessage(), ex);
		}
	}

	private static AccessRule parseRule(String property, String value) {
		try {
			return AccessRule.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(property + ": " + ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	PushServerSettings pushwireServerSettings(PushwireServerProperties properties, ChannelRegistry channels) {
		List<String> features = new ArrayList<>(PushServerSettings.BASE_FEATURES);
		if (channels.kinds().stream().anyMatch(ChannelKind::presence)) {
			features.add("presence");
		}
		try {
			return new PushServerSettings(properties.getHeartbeat(), properties.getHeartbeatGrace(),
					properties.getHandshakeTimeout(), properties.getMaxMessageSize().toBytes(),
					properties.getSessionTtl(), properties.getMaxQueuedBytes().toBytes(), properties.getWriteTimeout(),
					properties.getSocketSendBuffer().toBytes(),
					properties.getMaxSubscriptions(), properties.getSubscriberBuffer(), properties.isAllowAnonymous(),
					features);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	ServerLimits pushwireServerLimits(PushwireServerProperties properties) {
		try {
			return new ServerLimits(properties.getMaxConnectionsPerPrincipal(), properties.getMaxConnectionsPerSecond(),
					properties.getMaxInboundRate(), properties.getMaxInboundBurst(),
					properties.getMaxChannelNameLength());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean
	ChannelStreamStore pushwireChannelStreamStore(PushwireServerProperties properties, ProtocolCodec codec) {
		try {
			return new InMemoryChannelStreamStore(codec, properties.getMaxRetainedBytes().toBytes(),
					properties.getMaxChannels());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean
	SessionRegistry pushwireSessionRegistry(PushServerSettings settings, PushwireServerProperties properties) {
		try {
			return new SessionRegistry(settings.sessionTtl(), properties.getMaxSessionsPerPrincipal());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelAuthorizer pushwireChannelAuthorizer() {
		return ChannelAuthorizer.declarative();
	}

	@Bean
	@ConditionalOnMissingBean
	AuthValidator pushwireAuthValidator() {
		return new RequestPrincipalAuthValidator();
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelHandlerRegistry pushwireChannelHandlerRegistry() {
		return new ChannelHandlerRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	PushHandlerMethodDetector pushwireHandlerMethodDetector(ChannelHandlerRegistry handlers, ChannelRegistry channels,
			ObjectProvider<JsonMapper> jsonMapper) {
		return new PushHandlerMethodDetector(handlers, jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()),
				channels::isDeclared);
	}

	@Bean
	@ConditionalOnMissingBean
	PresenceRegistry pushwirePresenceRegistry(ProtocolCodec codec) {
		return new PresenceRegistry(codec);
	}

	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean
	HeartbeatMonitor pushwireHeartbeatMonitor(PushServerSettings settings) {
		return new HeartbeatMonitor(settings.heartbeat(), settings.heartbeatGrace());
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionAdmission pushwireConnectionAdmission(ServerLimits limits) {
		return new ConnectionAdmission(limits);
	}

	@Bean
	@ConditionalOnMissingBean
	ClientAuthenticator pushwireClientAuthenticator(AuthValidator authValidator, PushServerSettings settings) {
		return new ClientAuthenticator(authValidator, settings.allowAnonymous());
	}

	@Bean
	@ConditionalOnMissingBean
	ClientChannels pushwireClientChannels(ChannelRegistry channels, ServerLimits limits) {
		return new ClientChannels(channels, limits);
	}

	@Bean
	@ConditionalOnMissingBean
	ChannelPublisher pushwireChannelPublisher(ChannelRegistry channels, ChannelStreamStore streams,
			ProtocolCodec codec, ObjectProvider<JsonMapper> jsonMapper) {
		return new ChannelPublisher(channels, streams, codec,
				jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	Acknowledgements pushwireAcknowledgements(ChannelStreamStore streams) {
		return new Acknowledgements(streams);
	}

	@Bean
	@ConditionalOnMissingBean
	FrameDispatcher pushwireFrameDispatcher(ClientChannels channels, ChannelAuthorizer authorizer,
			ChannelHandlerRegistry handlers, ChannelPublisher publisher) {
		return new FrameDispatcher(channels, authorizer, handlers, publisher);
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionFactory pushwireConnectionFactory(PushServerSettings settings, ServerLimits limits, ProtocolCodec codec,
			ClientChannels channels, ChannelAuthorizer authorizer, ChannelStreamStore streams,
			SessionRegistry sessions, PresenceRegistry presence, HeartbeatMonitor heartbeats,
			ConnectionAdmission admission, ClientAuthenticator authenticator, Acknowledgements acknowledgements,
			FrameDispatcher frames) {
		return new ConnectionFactory(settings, limits, codec, channels, authorizer, streams, sessions, presence,
				heartbeats, admission, authenticator, acknowledgements, frames);
	}

	@Bean
	@ConditionalOnMissingBean(PushServer.class)
	DefaultPushServer pushServer(ChannelPublisher publisher, ChannelRegistry channels, ChannelStreamStore streams,
			SessionRegistry sessions, PresenceRegistry presence, ProtocolCodec codec, PushServerSettings settings) {
		return new DefaultPushServer(publisher, channels, streams, sessions, presence, codec, settings);
	}

	@Bean
	PushServerLifecycle pushwireServerLifecycle(SessionRegistry sessions) {
		return new PushServerLifecycle(sessions);
	}

	@Bean
	@ConditionalOnMissingBean(name = "pushwireHandlerMapping")
	HandlerMapping pushwireHandlerMapping(ConnectionFactory connections, PushServerSettings serverSettings,
			ServerLimits limits, ProtocolCodec codec, ClientAuthenticator authenticator, SessionRegistry sessions,
			Acknowledgements acknowledgements, FrameDispatcher frames, PushwireServerProperties properties) {
		// Checked here, where the path is used, so that it is checked with an application's own settings too.
		String path = properties.getPath();
		if (path == null || !path.startsWith("/") || path.endsWith("/") || path.contains("*")) {
			throw new IllegalStateException(
					"pushwire.server.path must start with '/' and not end with '/', like /rps; was '" + path + "'");
		}
		long maxMessage = serverSettings.maxMessageSize();
		// Netty's own limit sits above ours, so that a message just over the limit reaches the handler
		// and gets a goodbye too_large before the 1009 close.
		int frameLimit = (int) Math.min(Integer.MAX_VALUE - 1, Math.max(2 * maxMessage, maxMessage + 65536));
		ReactorNettyRequestUpgradeStrategy strategy = new ReactorNettyRequestUpgradeStrategy(
				() -> WebsocketServerSpec.builder().maxFramePayloadLength(frameLimit).handlePing(false));
		PushWebSocketEndpoint endpoint = new PushWebSocketEndpoint(
				new HandshakeWebSocketService(new LeanHandshakeUpgradeStrategy(strategy)),
				new PushWebSocketHandler(connections, serverSettings, codec,
						properties.getWebsocket().isAllowQueryToken()),
				properties.getAllowedOrigins(), codec.mapper());
		Map<String, Object> routes = new LinkedHashMap<>();
		routes.put(path, endpoint);
		PushwireServerProperties.Sse sse = properties.getSse();
		if (sse.isEnabled()) {
			HttpSettings settings = new HttpSettings(sse.getRetry(), sse.isAllowQueryToken());
			routes.put(path + "/sse", new SseEndpoint(connections, authenticator, codec, serverSettings, settings));
			routes.put(path + "/ack", new AckEndpoint(authenticator, sessions, acknowledgements, codec,
					serverSettings, limits, settings));
			routes.put(path + "/send",
					new SendEndpoint(authenticator, sessions, frames, codec, serverSettings, limits, settings));
		}
		String clientPath = properties.getBrowserClient().resolvePath(path);
		if (clientPath != null) {
			routes.put(clientPath, new BrowserClientEndpoint());
		}
		SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(routes) {

			@Override
			protected boolean hasCorsConfigurationSource(Object handler) {
				// The WebSocket endpoint checks Origin itself; its upgrade stays clear of CORS processing.
				return !(handler instanceof PushWebSocketEndpoint) && super.hasCorsConfigurationSource(handler);
			}

		};
		mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
		if (sse.isEnabled()) {
			// The same origins, and the same matching, as the WebSocket's Origin check; none configured:
			// same origin only.
			CorsConfiguration cors = PushwireCors.forHttpEndpoints(properties.getAllowedOrigins());
			Map<String, CorsConfiguration> corsConfigurations = new LinkedHashMap<>();
			for (String route : List.of("/sse", "/ack", "/send")) {
				corsConfigurations.put(path + route, cors);
			}
			mapping.setCorsConfigurations(corsConfigurations);
		}
		return mapping;
	}

}

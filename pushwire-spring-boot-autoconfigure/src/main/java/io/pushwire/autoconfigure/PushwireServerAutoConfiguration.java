package io.pushwire.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.web.reactive.socket.WebSocketHandler;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.ChannelName;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.WireFormats;
import io.pushwire.core.WireIds;
import io.pushwire.core.ZstdBodies;
import io.pushwire.security.AccessRule;
import io.pushwire.security.AuthValidator;
import io.pushwire.security.RequestPrincipalAuthValidator;
import io.pushwire.server.PushServer;
import io.pushwire.server.asset.AssetPublisher;
import io.pushwire.server.asset.AssetSettings;
import io.pushwire.server.asset.AssetStore;
import io.pushwire.server.asset.DirectoryAssetStore;
import io.pushwire.server.asset.InMemoryAssetStore;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.channel.DeltaMode;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.connection.Acknowledgements;
import io.pushwire.server.connection.ChannelPublisher;
import io.pushwire.server.connection.ClientAuthenticator;
import io.pushwire.server.connection.ClientChannels;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.FrameDispatcher;
import io.pushwire.server.connection.HeartbeatMonitor;
import io.pushwire.server.connection.InMemorySessionRegistry;
import io.pushwire.server.connection.PeerExchange;
import io.pushwire.server.connection.PresenceRegistry;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.connection.ServerLimits;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.handler.PushHandlerMethodDetector;
import io.pushwire.server.rtc.RtcExchange;
import io.pushwire.server.stream.ChannelHub;
import io.pushwire.server.stream.ChannelStore;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.HubChannelStreamStore;
import io.pushwire.server.stream.InMemoryChannelStreamStore;
import io.pushwire.server.support.DefaultPushServer;
import io.pushwire.server.support.PushServerLifecycle;

/**
 * Auto-configuration of the pushwire server in a reactive web application: channel kinds
 * from {@code pushwire.server.channels}, in-memory streams, sessions and the
 * {@link PushServer} API. Every bean backs off when the application declares its own. The
 * endpoints that expose the server over HTTP are configured by
 * {@link io.pushwire.autoconfigure.reactive.PushwireWebFluxAutoConfiguration}. Payloads
 * are converted with the application's {@code JsonMapper} (Spring Boot's, from
 * {@link JacksonAutoConfiguration}), so the server applies only where there is one.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = JacksonAutoConfiguration.class,
		afterName = "io.pushwire.autoconfigure.security.PushwireSecurityAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({ WebSocketHandler.class, HttpServer.class, JsonMapper.class })
@ConditionalOnBean(JsonMapper.class)
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
			throw new InvalidPushwirePropertyException("pushwire.server.channels", properties.getChannels().keySet(),
					"must declare each kind once, none named 'system', with distinct wire ids: " + ex.getMessage(), ex);
		}
	}

	private static ChannelKind toKind(String name, PushwireServerProperties.Channel channel) {
		String prefix = "pushwire.server.channels." + name;
		// Checked here, property by property, so that the failure names the one to fix.
		if (!ChannelName.isValidKind(name)) {
			throw new InvalidPushwirePropertyException(prefix, name, "names an invalid channel kind: a kind is 1 to 32"
					+ " characters of [a-z0-9_-] starting with a lowercase letter");
		}
		if (ChannelName.SYSTEM_KIND.equals(name)) {
			throw new InvalidPushwirePropertyException(prefix, name,
					"must not be declared: 'system' is reserved for control traffic");
		}
		Integer wireId = channel.getWireId();
		if (wireId != null && (wireId < 0 || wireId > 255)) {
			throw new InvalidPushwirePropertyException(prefix + ".wire-id", wireId, "must be 0 to 255");
		}
		if (channel.getHistorySize() < 0) {
			throw new InvalidPushwirePropertyException(prefix + ".history-size", channel.getHistorySize(),
					"must not be negative");
		}
		if (channel.getHistoryTtl() == null || channel.getHistoryTtl().isNegative()) {
			throw new InvalidPushwirePropertyException(prefix + ".history-ttl", channel.getHistoryTtl(),
					"must not be negative");
		}
		if (channel.getPriority() == null) {
			throw new InvalidPushwirePropertyException(prefix + ".priority", null,
					"must be one of " + Arrays.toString(Priority.values()));
		}
		if (channel.getDelta() == null) {
			throw new InvalidPushwirePropertyException(prefix + ".delta", null,
					"must be one of " + Arrays.toString(DeltaMode.values()));
		}
		AccessRule subscribe = parseRule(prefix + ".subscribe", channel.getSubscribe());
		AccessRule publish = parseRule(prefix + ".publish", channel.getPublish());
		return new ChannelKind(name, channel.getPriority(), (wireId != null) ? wireId : -1, channel.getHistorySize(),
				channel.getHistoryTtl(), subscribe, publish, channel.isPresence(), channel.isJoinLeave(),
				channel.getDelta());
	}

	private static AccessRule parseRule(String property, String value) {
		try {
			return AccessRule.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidPushwirePropertyException(property, value, "is not an access rule: " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * The features of the binary formats (PROTOCOL.md §8.1, §8.2).
	 * @param formats the formats on offer
	 * @return {@code binary:<name>} for each, then {@code zstd}, its dictionary and
	 * {@code fragments} when there is one
	 */
	static List<String> binaryFeatures(WireFormats formats) {
		List<String> features = new ArrayList<>();
		ZstdBodies zstd = null;
		for (String name : formats.names()) {
			if (formats.find(name) instanceof BinaryFormat binary) {
				features.add("binary:" + name);
				zstd = binary.zstd();
			}
		}
		if (zstd != null) {
			features.add("zstd");
			String dictionary = zstd.dictionaryFeature();
			if (dictionary != null) {
				features.add(dictionary);
			}
			features.add("fragments");
		}
		return features;
	}

	@Bean
	@ConditionalOnMissingBean
	WireFormats pushwireWireFormats(ProtocolCodec codec, ChannelRegistry channels,
			PushwireServerProperties properties) {
		Map<String, Integer> ids = new LinkedHashMap<>();
		channels.kinds().forEach((kind) -> ids.put(kind.name(), kind.wireId()));
		WireIds wireIds = new WireIds(ids, ChannelKind.SYSTEM_WIRE_ID);
		ZstdBodies zstd = zstdBodies(properties.getZstd().getDictionary());
		return new WireFormats(codec,
				List.of(BinaryFormat.msgpack(codec, wireIds, zstd), BinaryFormat.cbor(codec, wireIds, zstd)));
	}

	private static ZstdBodies zstdBodies(@Nullable Resource dictionary) {
		if (dictionary == null) {
			return ZstdBodies.plain();
		}
		try (InputStream in = dictionary.getInputStream()) {
			return ZstdBodies.withDictionary(in.readAllBytes());
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new InvalidPushwirePropertyException("pushwire.server.zstd.dictionary", dictionary,
					"must be a readable zstd dictionary: " + ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	PushServerSettings pushwireServerSettings(PushwireServerProperties properties, ChannelRegistry channels,
			WireFormats formats, Environment environment) {
		List<String> features = new ArrayList<>(PushServerSettings.BASE_FEATURES);
		if (channels.kinds().stream().anyMatch(ChannelKind::presence)) {
			features.add("presence");
		}
		// PROTOCOL.md §10.1: with the rtc kind declared, signaling and relays are routed.
		if (channels.isDeclared(PeerExchange.ROOM_KIND)
				&& environment.getProperty("pushwire.server.rtc.enabled", Boolean.class, true)) {
			features.add("rtc");
			features.add("relay");
		}
		features.addAll(binaryFeatures(formats));
		// PROTOCOL.md §8.3: offered once a kind offers it.
		if (channels.kinds().stream().anyMatch((kind) -> kind.delta() != DeltaMode.NONE)) {
			features.add("delta:fossil");
		}
		try {
			return new PushServerSettings(properties.getHeartbeat(), properties.getHeartbeatGrace(),
					properties.getHandshakeTimeout(), properties.getMaxMessageSize().toBytes(),
					properties.getSessionTtl(), properties.getMaxQueuedBytes().toBytes(), properties.getWriteTimeout(),
					properties.getSocketSendBuffer().toBytes(), properties.getMaxSubscriptions(),
					properties.getSubscriberBuffer(), properties.isAllowAnonymous(), features);
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

	@Bean
	@ConditionalOnMissingBean
	ChannelHub pushwireChannelHub() {
		return new ChannelHub();
	}

	/**
	 * The storage of channels' frames: in memory unless the application declares a
	 * {@link ChannelStore} (or its own {@link ChannelStreamStore}, which then needs
	 * none).
	 * @param properties the server properties (the history and retention settings)
	 * @param codec the protocol codec
	 * @param hub the hub that fans frames out
	 * @return the in-memory store
	 */
	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean({ ChannelStore.class, ChannelStreamStore.class })
	InMemoryChannelStreamStore pushwireChannelStore(PushwireServerProperties properties, ProtocolCodec codec,
			ChannelHub hub) {
		try {
			return new InMemoryChannelStreamStore(codec, properties.getMaxRetainedBytes().toBytes(),
					properties.getMaxChannels(), hub);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(ex.getMessage(), ex);
		}
	}

	/**
	 * The streams the connections use over a {@link ChannelStore} the application
	 * declared (the in-memory store is a {@link ChannelStreamStore} itself, so this one
	 * is not made beside it).
	 * @param store the application's store
	 * @param hub the hub that fans frames out
	 * @return the streams over the store
	 */
	@Bean
	@ConditionalOnMissingBean
	ChannelStreamStore pushwireChannelStreamStore(ChannelStore store, ChannelHub hub) {
		return new HubChannelStreamStore(store, hub);
	}

	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean(SessionRegistry.class)
	InMemorySessionRegistry pushwireSessionRegistry(PushServerSettings settings, PushwireServerProperties properties) {
		try {
			return new InMemorySessionRegistry(settings.sessionTtl(), properties.getMaxSessionsPerPrincipal());
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
			JsonMapper jsonMapper) {
		return new PushHandlerMethodDetector(handlers, jsonMapper, channels::isDeclared);
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
	ChannelPublisher pushwireChannelPublisher(ChannelRegistry channels, ChannelStreamStore streams, ProtocolCodec codec,
			JsonMapper jsonMapper) {
		return new ChannelPublisher(channels, streams, codec, jsonMapper);
	}

	@Bean
	@ConditionalOnMissingBean
	Acknowledgements pushwireAcknowledgements(ChannelStreamStore streams, SessionRegistry sessions) {
		return new Acknowledgements(streams, sessions);
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
			ClientChannels channels, ChannelAuthorizer authorizer, ChannelStreamStore streams, SessionRegistry sessions,
			PresenceRegistry presence, HeartbeatMonitor heartbeats, ConnectionAdmission admission,
			ClientAuthenticator authenticator, Acknowledgements acknowledgements, FrameDispatcher frames,
			ChannelRegistry kinds, ObjectProvider<PeerExchange> peers) {
		return new ConnectionFactory(settings, limits, codec, channels, authorizer, streams, sessions, presence,
				heartbeats, admission, authenticator, acknowledgements, frames,
				kinds.isDeclared(PeerExchange.ROOM_KIND) ? peers.getIfAvailable() : null);
	}

	@Bean
	@ConditionalOnMissingBean(PushServer.class)
	DefaultPushServer pushServer(ChannelPublisher publisher, ChannelRegistry channels, ChannelStreamStore streams,
			SessionRegistry sessions, PresenceRegistry presence, ProtocolCodec codec, PushServerSettings settings,
			ObjectProvider<RtcExchange> peers, AssetPublisher assets) {
		return new DefaultPushServer(publisher, channels, streams, sessions, presence, codec, settings, assets,
				channels.isDeclared(PeerExchange.ROOM_KIND) ? peers.getIfAvailable() : null);
	}

	@Bean
	@ConditionalOnMissingBean
	PushServerLifecycle pushwireServerLifecycle(SessionRegistry sessions, ConnectionAdmission admission,
			PushwireServerProperties properties) {
		return new PushServerLifecycle(sessions, admission, properties.getShutdownDrain());
	}

	@Bean
	@ConditionalOnMissingBean
	AssetSettings pushwireAssetSettings(PushwireServerProperties properties) {
		PushwireServerProperties.Assets assets = properties.getAssets();
		long inlineLimit = assets.getInlineLimit().toBytes();
		long maxSize = assets.getMaxSize().toBytes();
		if (inlineLimit < 0) {
			throw new InvalidPushwirePropertyException("pushwire.server.assets.inline-limit", assets.getInlineLimit(),
					"must not be negative");
		}
		if (maxSize <= 0 || maxSize > Integer.MAX_VALUE - 8) {
			throw new InvalidPushwirePropertyException("pushwire.server.assets.max-size", assets.getMaxSize(),
					"must be from 1 byte to 2 GB");
		}
		if (assets.getMaxStoredBytes().toBytes() < maxSize) {
			throw new InvalidPushwirePropertyException("pushwire.server.assets.max-stored-bytes",
					assets.getMaxStoredBytes(), "must be at least pushwire.server.assets.max-size (" + maxSize
							+ " bytes), or the largest asset could never be stored");
		}
		return new AssetSettings(InvalidPushwirePropertyException.checkPath(properties.getPath()), inlineLimit, maxSize,
				new LinkedHashSet<>(assets.getAllowedTypes()));
	}

	/**
	 * Where the bytes of pointer assets are kept: in a directory when
	 * {@code pushwire.server.assets.directory} is set, in memory otherwise.
	 * @param properties the server properties
	 * @return the store
	 */
	@Bean
	@ConditionalOnMissingBean
	AssetStore pushwireAssetStore(PushwireServerProperties properties) {
		PushwireServerProperties.Assets assets = properties.getAssets();
		long maxBytes = assets.getMaxStoredBytes().toBytes();
		String directory = assets.getDirectory();
		if (directory == null || directory.isBlank()) {
			return new InMemoryAssetStore(maxBytes);
		}
		try {
			return new DirectoryAssetStore(Path.of(directory), maxBytes);
		}
		catch (UncheckedIOException | InvalidPathException ex) {
			throw new InvalidPushwirePropertyException("pushwire.server.assets.directory", directory,
					"cannot be used: " + ex.getMessage(), ex);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	AssetPublisher pushwireAssetPublisher(ChannelRegistry channels, ChannelPublisher publisher,
			ChannelStreamStore streams, AssetStore store, AssetSettings settings) {
		return new AssetPublisher(channels, publisher, streams, store, settings);
	}

}

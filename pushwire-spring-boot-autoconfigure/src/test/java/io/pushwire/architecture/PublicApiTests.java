package io.pushwire.architecture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library's public types, listed here so that making a type public is a decision
 * taken in review (add it to the right list, with the reason) and never a side effect.
 * Every public type has javadoc with {@code @since}.
 */
class PublicApiTests {

	/**
	 * What applications and extensions use: documented, kept compatible across minor
	 * versions.
	 */
	private static final Set<String> API = Set.of(
	// @formatter:off
			// The wire model and its encodings, shared by the server and the client.
			"core.Asset", "core.AssetIntegrityException", "core.ChannelName", "core.CloseReason", "core.CursorTracker", "core.Cursors", "core.ErrorCode",
			"core.FossilDelta", "core.Frame", "core.PreparedMessage", "core.ProtocolCodec", "core.ProtocolException",
			"core.PushMessage", "core.ResumeToken", "core.SystemOp", "core.WireFormat",
			// Binary frames (PROTOCOL.md §8.1, §8.2), shared by the server and the client.
			"core.BinaryFormat", "core.FragmentAssembler", "core.Fragments", "core.WireFormats", "core.WireIds",
			"core.ZstdBodies",
			// Delta updates (PROTOCOL.md §8.3): the delta frame and the kinds' switch.
			"core.DeltaFrame", "server.channel.DeltaMode",
			// Authentication and the channels' access rules.
			"security.AccessRule", "security.AnonymousPrincipal", "security.AuthRequest", "security.AuthValidator",
			"security.PushwireCors", "security.PushwireSecurityCustomizer", "security.RequestPrincipalAuthValidator",
			"security.SpringSecurityAuthValidator",
			// What a connection keeps of its principal.
			"security.CompactAuthentication", "security.ConnectionPrincipals",
			// Channel kinds, and who may subscribe and publish.
			"server.channel.ChannelAuthorizer", "server.channel.ChannelKind", "server.channel.ChannelRegistry",
			"server.channel.Priority",
			// The application's API to the server.
			"server.PresenceMember", "server.PublishResult", "server.PushServer", "server.PushSession",
			// WebRTC rooms: the route modes and who may signal whom.
			"server.PeerRouteMode", "server.rtc.PeerPolicy",
			"autoconfigure.rtc.PushwireRtcAutoConfiguration", "autoconfigure.rtc.PushwireRtcProperties",
			"server.AssetPublishResult",
			// Assets: the store SPI, its records and its two stores.
			"server.asset.AssetReference", "server.asset.AssetStore", "server.asset.DirectoryAssetStore",
			"server.asset.InMemoryAssetStore", "server.asset.StoredAsset",
			// @PushHandler methods and the handler SPI.
			"server.handler.ChannelHandler", "server.handler.ChannelHandlerRegistry", "server.handler.ChannelParam",
			"server.handler.ClientId", "server.handler.Payload", "server.handler.PushHandler",
			"server.handler.PushHandlerException", "server.handler.PushHandlerMethodDetector",
			"server.handler.PushReply", "server.handler.UndeclaredChannelKindException",
			// The store SPI: storage apart from this node's fan-out, and the in-memory store.
			"server.stream.Attachment", "server.stream.ChannelHub", "server.stream.ChannelStore",
			"server.stream.ChannelStream", "server.stream.ChannelStreamStore", "server.stream.HubChannelStreamStore",
			"server.stream.InMemoryChannelStreamStore", "server.stream.ResumePlan", "server.stream.StoredFrame",
			"server.stream.StoreHealth", "server.stream.StreamListener", "server.stream.StreamPosition",
			"server.stream.StreamReplay",
			// The sessions SPI.
			"server.connection.DefaultPushSession", "server.connection.InMemorySessionRegistry",
			"server.connection.SessionRegistry",
			// Presence shared by several nodes (the replica SPI).
			"server.connection.PresenceReplica",
			// The client.
			"client.AckMode", "client.ChannelReceiver", "client.CursorStore", "client.FileCursorStore",
			"client.FrameOverflow", "client.HandshakeStep", "client.LoggingExtension", "client.PresenceEntry",
			"client.PushClient", "client.PushClientEvent", "client.PushClientExtension", "client.PushClientState",
			"client.PushClientStatus", "client.PushConnectionException", "client.PushCredentials", "client.PushFrame",
			"client.PushOperationException", "client.RetryStrategy", "client.SendOptions", "client.SendOverflow",
			"client.StatusExtension", "client.TransportPreference",
			// Instrumentation: what the server records, its observations and their conventions.
			"server.observation.DefaultHandshakeObservationConvention",
			"server.observation.DefaultPushHandlerObservationConvention",
			"server.observation.HandshakeObservationContext", "server.observation.HandshakeObservationConvention",
			"server.observation.PushHandlerObservationContext",
			"server.observation.PushHandlerObservationConvention", "server.observation.PushMetrics",
			"server.observation.PushwireObservationDocumentation",
			"autoconfigure.metrics.MicrometerPushMetrics", "autoconfigure.metrics.PushwireMetricsAutoConfiguration",
			"autoconfigure.observation.PushwireObservationAutoConfiguration",
			"autoconfigure.client.MicrometerPushClientMetrics",
			"autoconfigure.client.PushwireClientMetricsAutoConfiguration",
			// Auto-configuration and properties.
			"autoconfigure.InvalidPushwirePropertyException",
			"autoconfigure.PushwireServerAutoConfiguration", "autoconfigure.PushwireServerProperties",
			"autoconfigure.diagnostics.PushwireServletWebApplicationAutoConfiguration",
			"autoconfigure.diagnostics.ReactiveWebApplicationRequiredException",
			"autoconfigure.client.PushwireClientAutoConfiguration", "autoconfigure.client.PushwireClientProperties",
			"autoconfigure.reactive.PushwireWebFluxAutoConfiguration",
			"autoconfigure.actuate.PushwireActuatorAutoConfiguration", "autoconfigure.actuate.PushwireEndpoint",
			"autoconfigure.actuate.PushwireHealthIndicator",
			"autoconfigure.security.PushwireSecurityAutoConfiguration",
			"autoconfigure.security.PushwireWebSecurityAutoConfiguration",
			// The startup check of the application's chain against the push routes.
			"autoconfigure.security.PushRoutesBlockedException",
			// What several nodes share through Redis.
			"autoconfigure.redis.PushwireRedisAutoConfiguration",
			"autoconfigure.redis.PushwireRedisSessionAutoConfiguration");
	// @formatter:on

	/**
	 * Public only because a layer above uses them (ArchitectureTests): beans the
	 * auto-configuration creates, which an application may replace but rarely should, and
	 * the transports' parts. Their packages say they are internal; they may change in any
	 * release.
	 */
	private static final Set<String> INTERNAL = Set.of(
	// @formatter:off
			// The connection layer's node-wide beans and what the transports use.
			"server.connection.Acknowledgements", "server.connection.ChannelPublisher",
			"server.connection.ClientAuthenticator", "server.connection.ClientChannels",
			"server.connection.ClientConnection", "server.connection.ClientIds",
			"server.connection.ConnectionAdmission", "server.connection.ConnectionFactory",
			"server.connection.ConnectionTransport", "server.connection.Delivery", "server.connection.FrameDispatcher",
			"server.connection.HeartbeatMonitor", "server.connection.LoopExecutor", "server.connection.OutboundQueue",
			"server.connection.PresenceRegistry", "server.connection.PushServerSettings",
			"server.connection.ServerLimits",
			"server.connection.PeerExchange", "server.connection.TokenBucket",
			// WebRTC rooms: the exchange bean and its settings and counts.
			"server.rtc.RelayStatistics", "server.rtc.RtcExchange", "server.rtc.RtcSettings",
			"server.handler.HandlerInvocation",
			// Publishing assets, a bean of the server's auto-configuration.
			"server.asset.AssetPublisher", "server.asset.AssetSettings",
			// The transports, as beans of the WebFlux auto-configuration.
			"server.http.AckEndpoint", "server.http.AssetEndpoint", "server.http.BrowserClientEndpoint", "server.http.HttpErrors",
			"server.http.HttpSettings", "server.http.SendEndpoint", "server.netty.NettyConnections",
			"server.sse.SseEndpoint", "server.websocket.LeanHandshakeUpgradeStrategy",
			"server.websocket.PushWebSocketEndpoint", "server.websocket.PushWebSocketHandler",
			// The server API's implementation and lifecycle.
			"server.support.DefaultPushServer", "server.support.PushServerLifecycle",
			"server.support.PushServerStatistics",
			// What several nodes share through Redis (pushwire.server.store=redis), as
			// beans of its auto-configuration.
			"server.redis.RedisChannelStore", "server.redis.RedisStoreSettings", "server.redis.RedisNodeDirectory",
			"server.redis.RedisPresenceReplica", "server.redis.RedisSessionRegistry",
			"server.redis.RedisAssetStore");
	// @formatter:on

	private static final Path SOURCES = Path.of("src/main/java");

	@Test
	void publicTypesAreTheListedOnes() {
		Set<String> expected = new TreeSet<>(API);
		expected.addAll(INTERNAL);
		assertThat(API).doesNotContainAnyElementsOf(INTERNAL);
		assertThat(publicTypes())
			.describedAs("Public top-level types of io.pushwire; a new one is a decision: list it in PublicApiTests "
					+ "(API or INTERNAL), or make it package-private")
			.containsExactlyElementsOf(expected);
	}

	@Test
	void everyPublicTypeHasJavadocWithSince() throws IOException {
		Set<String> missing = new TreeSet<>();
		for (String type : publicTypes()) {
			Path source = SOURCES.resolve(("io.pushwire." + type).replace('.', '/') + ".java");
			String text = Files.readString(source);
			Matcher declaration = Pattern
				.compile("^public\\s+[\\w\\s@-]*?(class|interface|record|enum|@interface)\\s+"
						+ type.substring(type.lastIndexOf('.') + 1) + "\\b", Pattern.MULTILINE)
				.matcher(text);
			assertThat(declaration.find()).describedAs(source.toString()).isTrue();
			String before = text.substring(0, declaration.start());
			int javadoc = before.lastIndexOf("/**");
			if (javadoc < 0 || !before.substring(javadoc).contains("@since")) {
				missing.add(type);
			}
		}
		assertThat(missing).describedAs("public types without @since in their javadoc").isEmpty();
	}

	@Test
	void internalPackagesSayTheyAreInternal() throws IOException {
		Set<String> packages = new TreeSet<>();
		INTERNAL.stream()
			.filter((type) -> !type.startsWith("server.connection.") && !type.startsWith("server.handler."))
			.forEach((type) -> packages.add(type.substring(0, type.lastIndexOf('.'))));
		for (String pkg : packages) {
			Path info = SOURCES.resolve(("io.pushwire." + pkg).replace('.', '/')).resolve("package-info.java");
			assertThat(Files.readString(info)).describedAs(info.toString()).contains("Internal");
		}
	}

	private static List<String> publicTypes() {
		try (Stream<JavaClass> classes = new ClassFileImporter()
			.withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("io.pushwire")
			.stream()) {
			return classes.filter((type) -> type.isTopLevelClass() && type.getModifiers().contains(JavaModifier.PUBLIC))
				.filter((type) -> !type.getSimpleName().equals("package-info"))
				.map((type) -> type.getName().substring("io.pushwire.".length()))
				.sorted()
				.toList();
		}
	}

}

package io.pushwire.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.autoconfigure.reactive.PushwireWebFluxAutoConfiguration;
import io.pushwire.autoconfigure.security.PushwireSecurityAutoConfiguration;
import io.pushwire.core.ChannelName;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ResumeToken;
import io.pushwire.security.AccessRule;
import io.pushwire.security.AuthValidator;
import io.pushwire.security.RequestPrincipalAuthValidator;
import io.pushwire.server.PushServer;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
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
import io.pushwire.server.connection.PresenceRegistry;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.connection.ServerLimits;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.handler.PushHandler;
import io.pushwire.server.handler.PushHandlerMethodDetector;
import io.pushwire.server.http.AckEndpoint;
import io.pushwire.server.http.BrowserClientEndpoint;
import io.pushwire.server.http.SendEndpoint;
import io.pushwire.server.sse.SseEndpoint;
import io.pushwire.server.stream.ChannelHub;
import io.pushwire.server.stream.ChannelStore;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.HubChannelStreamStore;
import io.pushwire.server.stream.InMemoryChannelStreamStore;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamPosition;
import io.pushwire.server.stream.StreamReplay;
import io.pushwire.server.support.DefaultPushServer;
import io.pushwire.server.support.PushServerLifecycle;
import io.pushwire.server.websocket.PushWebSocketEndpoint;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireServerAutoConfiguration}.
 */
class PushwireServerAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
				PushwireWebFluxAutoConfiguration.class, JacksonAutoConfiguration.class));

	/** Every pushwire auto-configuration, as the starter's imports list them. */
	private static final AutoConfigurations ALL_PUSHWIRE = AutoConfigurations.of(PushwireServerAutoConfiguration.class,
			PushwireWebFluxAutoConfiguration.class, PushwireSecurityAutoConfiguration.class,
			JacksonAutoConfiguration.class);

	@Test
	void contributesEveryBeanByDefault() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(PushwireServerProperties.class);
			assertThat(context).hasSingleBean(ProtocolCodec.class);
			assertThat(context).hasSingleBean(ChannelRegistry.class);
			assertThat(context).hasSingleBean(PushServerSettings.class);
			assertThat(context).getBean(ChannelStreamStore.class).isInstanceOf(InMemoryChannelStreamStore.class);
			assertThat(context).getBean(ChannelStore.class).isSameAs(context.getBean(ChannelStreamStore.class));
			assertThat(context).hasSingleBean(ChannelHub.class);
			assertThat(context).getBean(SessionRegistry.class).isInstanceOf(InMemorySessionRegistry.class);
			assertThat(context).getBean(ChannelAuthorizer.class).isSameAs(ChannelAuthorizer.declarative());
			assertThat(context).getBean(AuthValidator.class).isInstanceOf(RequestPrincipalAuthValidator.class);
			assertThat(context).hasSingleBean(ChannelHandlerRegistry.class);
			assertThat(context).hasSingleBean(PushHandlerMethodDetector.class);
			assertThat(context).hasSingleBean(ConnectionFactory.class);
			assertThat(context).hasSingleBean(ConnectionAdmission.class);
			assertThat(context).hasSingleBean(ClientAuthenticator.class);
			assertThat(context).hasSingleBean(ClientChannels.class);
			assertThat(context).hasSingleBean(ChannelPublisher.class);
			assertThat(context).hasSingleBean(Acknowledgements.class);
			assertThat(context).hasSingleBean(FrameDispatcher.class);
			assertThat(context).hasSingleBean(HeartbeatMonitor.class);
			assertThat(context).hasSingleBean(PresenceRegistry.class);
			assertThat(context).getBean(PushServer.class).isInstanceOf(DefaultPushServer.class);
			assertThat(context).hasSingleBean(PushServerLifecycle.class);
			assertThat(context).getBean("pushwireHandlerMapping").isInstanceOf(SimpleUrlHandlerMapping.class);
			assertThat(context.getBean(ChannelRegistry.class).kinds()).isEmpty();
		});
	}

	@Test
	void defaultSettingsAreThoseOfTheProtocol() {
		this.contextRunner.run((context) -> {
			PushServerSettings settings = context.getBean(PushServerSettings.class);
			assertThat(settings.heartbeat()).isEqualTo(Duration.ofSeconds(25));
			assertThat(settings.heartbeatGrace()).isEqualTo(Duration.ofSeconds(10));
			assertThat(settings.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(settings.maxMessageSize()).isEqualTo(64 * 1024);
			assertThat(settings.sessionTtl()).isEqualTo(Duration.ofMinutes(5));
			assertThat(settings.maxQueuedBytes()).isEqualTo(1024 * 1024);
			assertThat(settings.writeTimeout()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.allowAnonymous()).isFalse();
			assertThat(settings).usingRecursiveComparison()
				.ignoringFields("features")
				.isEqualTo(PushServerSettings.defaults());
			assertThat(settings.features()).containsExactly("resume", "acks", "priority", "binary:msgpack",
					"binary:cbor", "zstd", "fragments");
		});
	}

	@Test
	void bindsSettingsFromProperties() {
		this.contextRunner
			.withPropertyValues("pushwire.server.heartbeat=5s", "pushwire.server.heartbeat-grace=2s",
					"pushwire.server.handshake-timeout=3s", "pushwire.server.max-message-size=8KB",
					"pushwire.server.session-ttl=1m", "pushwire.server.max-queued-bytes=256KB",
					"pushwire.server.write-timeout=7s", "pushwire.server.socket-send-buffer=64KB",
					"pushwire.server.max-subscriptions=12", "pushwire.server.subscriber-buffer=34",
					"pushwire.server.allow-anonymous=true")
			.run((context) -> assertThat(context.getBean(PushServerSettings.class))
				.isEqualTo(new PushServerSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(3),
						8 * 1024, Duration.ofMinutes(1), 256 * 1024, Duration.ofSeconds(7), 64 * 1024, 12, 34, true,
						List.of("resume", "acks", "priority", "binary:msgpack", "binary:cbor", "zstd", "fragments"))));
	}

	@Test
	void mapsTheWebSocketEndpointAtThePath() {
		this.contextRunner.withPropertyValues("pushwire.server.path=/push/ws").run((context) -> {
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap()).containsOnlyKeys("/push/ws", "/push/ws/sse", "/push/ws/ack",
					"/push/ws/assets/*", "/push/ws/send", "/push/ws/client.js");
			assertThat(mapping.getUrlMap().get("/push/ws")).isInstanceOf(PushWebSocketEndpoint.class);
			assertThat(mapping.getUrlMap().get("/push/ws/sse")).isInstanceOf(SseEndpoint.class);
			assertThat(mapping.getUrlMap().get("/push/ws/ack")).isInstanceOf(AckEndpoint.class);
			assertThat(mapping.getUrlMap().get("/push/ws/send")).isInstanceOf(SendEndpoint.class);
			assertThat(mapping.getUrlMap().get("/push/ws/client.js")).isInstanceOf(BrowserClientEndpoint.class);
		});
	}

	@Test
	void mapsOnlyTheWebSocketAndBrowserClientWhenSseIsDisabled() {
		this.contextRunner.withPropertyValues("pushwire.server.sse.enabled=false").run((context) -> {
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap()).containsOnlyKeys("/rps", "/rps/assets/*", "/rps/client.js");
		});
	}

	@Test
	void mapsTheBrowserClientAtItsConfiguredPathOrNotAtAll() {
		this.contextRunner.withPropertyValues("pushwire.server.browser-client.path=/js/pushwire.js").run((context) -> {
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap()).containsKey("/js/pushwire.js").doesNotContainKey("/rps/client.js");
		});
		this.contextRunner.withPropertyValues("pushwire.server.browser-client.enabled=false").run((context) -> {
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap()).containsOnlyKeys("/rps", "/rps/sse", "/rps/ack", "/rps/send",
					"/rps/assets/*");
		});
	}

	@Test
	void refusesABrowserClientPathThatIsNotAnAbsolutePath() {
		this.contextRunner.withPropertyValues("pushwire.server.browser-client.path=client.js")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("pushwire.server.browser-client.path must start with '/'"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("userBeans")
	void backsOffForUserBean(Class<?> type, Class<?> userConfiguration) {
		this.contextRunner.withUserConfiguration(userConfiguration).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(type);
			assertThat(context.getBeanNamesForType(type)).containsExactly("user" + type.getSimpleName());
			// Whatever depends on the bean uses the user's.
			assertThat(context).hasSingleBean(PushServer.class);
		});
	}

	static Stream<Arguments> userBeans() {
		return Stream.of(Arguments.of(ProtocolCodec.class, UserProtocolCodec.class),
				Arguments.of(ChannelRegistry.class, UserChannelRegistry.class),
				Arguments.of(PushServerSettings.class, UserPushServerSettings.class),
				Arguments.of(ServerLimits.class, UserServerLimits.class),
				Arguments.of(ChannelStreamStore.class, UserChannelStreamStore.class),
				Arguments.of(SessionRegistry.class, UserSessionRegistry.class),
				Arguments.of(ChannelAuthorizer.class, UserChannelAuthorizer.class),
				Arguments.of(AuthValidator.class, UserAuthValidator.class),
				Arguments.of(ChannelHandlerRegistry.class, UserChannelHandlerRegistry.class),
				Arguments.of(PushHandlerMethodDetector.class, UserPushHandlerMethodDetector.class),
				Arguments.of(ConnectionFactory.class, UserConnectionFactory.class),
				Arguments.of(PushServer.class, UserPushServer.class));
	}

	@Test
	void applicationsChannelStoreIsUsedThroughThisNodesHub() {
		this.contextRunner.withUserConfiguration(UserChannelStore.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(InMemoryChannelStreamStore.class);
			assertThat(context).getBean(ChannelStreamStore.class).isInstanceOf(HubChannelStreamStore.class);
			assertThat(context).hasSingleBean(ChannelHub.class);
			assertThat(context.getBean(PushServer.class)).extracting("streams")
				.isSameAs(context.getBean(ChannelStreamStore.class));
		});
	}

	@Test
	void usersBeansAreWiredIntoTheServer() {
		this.contextRunner
			.withUserConfiguration(UserPushServerSettings.class, UserChannelRegistry.class,
					UserChannelStreamStore.class, UserSessionRegistry.class, UserChannelHandlerRegistry.class,
					UserProtocolCodec.class)
			.run((context) -> {
				// The collaborators are private: read from the fields of the classes that
				// hold them.
				ConnectionFactory connections = context.getBean(ConnectionFactory.class);
				PushServer server = context.getBean(PushServer.class);
				assertThat(connections).extracting("settings").isSameAs(context.getBean("userPushServerSettings"));
				assertThat(server).extracting("channels").isSameAs(context.getBean("userChannelRegistry"));
				assertThat(server).extracting("streams").isSameAs(context.getBean("userChannelStreamStore"));
				assertThat(connections).extracting("sessions").isSameAs(context.getBean("userSessionRegistry"));
				assertThat(server).extracting("sessions").isSameAs(context.getBean("userSessionRegistry"));
				assertThat(context.getBean(FrameDispatcher.class)).extracting("handlers")
					.isSameAs(context.getBean("userChannelHandlerRegistry"));
				assertThat(connections).extracting("codec").isSameAs(context.getBean("userProtocolCodec"));
			});
	}

	@Test
	void backsOffForUserHandlerMappingNamedPushwireHandlerMapping() {
		this.contextRunner.withUserConfiguration(UserHandlerMapping.class).run((context) -> {
			assertThat(context).hasNotFailed();
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap()).isEmpty();
			assertThat(context).hasSingleBean(HandlerMapping.class);
		});
	}

	@Test
	void contributesNothingWhenDisabled() {
		this.contextRunner.withConfiguration(ALL_PUSHWIRE)
			.withPropertyValues("pushwire.server.enabled=false")
			.run(PushwireServerAutoConfigurationTests::assertNoPushwireBeans);
	}

	@Test
	void contributesEverythingWhenExplicitlyEnabled() {
		this.contextRunner.withPropertyValues("pushwire.server.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(PushServer.class));
	}

	@Test
	void contributesNothingInNonWebApplication() {
		new ApplicationContextRunner().withConfiguration(ALL_PUSHWIRE)
			.run(PushwireServerAutoConfigurationTests::assertNoPushwireBeans);
	}

	@Test
	void contributesNothingWithoutReactorNetty() {
		this.contextRunner.withConfiguration(ALL_PUSHWIRE)
			.withClassLoader(new FilteredClassLoader(HttpServer.class))
			.run(PushwireServerAutoConfigurationTests::assertNoPushwireBeans);
	}

	@Test
	void checksThatNoPushwireBeansIsAMeaningfulAssertion() {
		this.contextRunner.withConfiguration(ALL_PUSHWIRE)
			.run((context) -> assertThat(pushwireBeanNames(context)).contains("pushwireConnectionFactory",
					"pushwireAuthValidator", "pushwireHandlerMapping",
					"pushwire.server-" + PushwireServerProperties.class.getName()));
	}

	@Test
	void declaresChannelKindsFromPropertiesAndBeans() {
		this.contextRunner.withUserConfiguration(TickerKind.class)
			.withPropertyValues("pushwire.server.channels.chat.priority=high",
					"pushwire.server.channels.chat.wire-id=7", "pushwire.server.channels.chat.history-size=50",
					"pushwire.server.channels.chat.history-ttl=30s", "pushwire.server.channels.chat.subscribe=owner",
					"pushwire.server.channels.chat.publish=role:ADMIN", "pushwire.server.channels.alerts.publish=none",
					"pushwire.server.channels.news.priority=LOW")
			.run((context) -> {
				ChannelRegistry registry = context.getBean(ChannelRegistry.class);
				assertThat(registry.kinds()).extracting(ChannelKind::name)
					.containsExactly("chat", "alerts", "news", "ticker");
				assertThat(registry.find("chat")).isEqualTo(new ChannelKind("chat", Priority.HIGH, 7, 50,
						Duration.ofSeconds(30), AccessRule.OWNER, AccessRule.parse("role:ADMIN")));
				// Unset wire ids get the lowest free ones, skipping system's 5 and the
				// explicit ones.
				assertThat(registry.find("alerts")).isEqualTo(new ChannelKind("alerts", Priority.NORMAL, 0, 1024,
						Duration.ofMinutes(10), AccessRule.AUTHENTICATED, AccessRule.NONE));
				assertThat(registry.find("news").priority()).isEqualTo(Priority.LOW);
				assertThat(registry.find("news").wireId()).isEqualTo(1);
				assertThat(registry.find("ticker")).isEqualTo(new ChannelKind("ticker", Priority.LOW, 2, 1,
						Duration.ofSeconds(5), AccessRule.ANONYMOUS, AccessRule.NONE));
			});
	}

	@Test
	void declaresPresenceAndJoinLeaveFromPropertiesAndListsPresenceFeatureOnlyWhenAKindHasIt() {
		this.contextRunner
			.withPropertyValues("pushwire.server.channels.chat.presence=true",
					"pushwire.server.channels.chat.join-leave=true", "pushwire.server.channels.news.priority=low")
			.run((context) -> {
				ChannelRegistry registry = context.getBean(ChannelRegistry.class);
				assertThat(registry.find("chat").presence()).isTrue();
				assertThat(registry.find("chat").joinLeave()).isTrue();
				assertThat(registry.find("news").presence()).isFalse();
				assertThat(registry.find("news").joinLeave()).isFalse();
				assertThat(context.getBean(PushServerSettings.class).features()).contains("presence");
			});
		this.contextRunner.withPropertyValues("pushwire.server.channels.chat.join-leave=true")
			.run((context) -> assertThat(context.getBean(PushServerSettings.class).features())
				.doesNotContain("presence"));
	}

	@Test
	void keepsPresenceOfKindBeansWhenAssigningTheirWireIds() {
		this.contextRunner
			.withBean(ChannelKind.class, () -> ChannelKind.builder("room").presence(true).joinLeave(true).build())
			.run((context) -> {
				ChannelKind room = context.getBean(ChannelRegistry.class).find("room");
				assertThat(room.wireId()).isNotNegative();
				assertThat(room.presence()).isTrue();
				assertThat(room.joinLeave()).isTrue();
				assertThat(context.getBean(PushServerSettings.class).features()).contains("presence");
			});
	}

	@Test
	void assignsWireIdsAroundSystemAndExplicitOnes() {
		List<String> properties = new ArrayList<>(
				List.of("pushwire.server.channels.k0.wire-id=0", "pushwire.server.channels.k1.wire-id=2"));
		for (String kind : List.of("a", "b", "c", "d")) {
			properties.add("pushwire.server.channels." + kind + ".priority=normal");
		}
		this.contextRunner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			ChannelRegistry registry = context.getBean(ChannelRegistry.class);
			assertThat(List.of("a", "b", "c", "d")).map((kind) -> registry.find(kind).wireId())
				.containsExactly(1, 3, 4, 6);
		});
	}

	@Test
	void registersPushHandlerOfDeclaredKind() {
		this.contextRunner.withUserConfiguration(ShoutHandler.class)
			.withPropertyValues("pushwire.server.channels.shout.publish=authenticated")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ChannelHandlerRegistry.class).describe("shout")).contains("shout(");
			});
	}

	@Test
	void failsForPushHandlerOfUndeclaredKind() {
		this.contextRunner.withUserConfiguration(ShoutHandler.class)
			.run((context) -> assertFailure(context, "@PushHandler method", "shout(", "'shout'",
					"pushwire.server.channels.shout"));
	}

	@Test
	void failsForInvalidKindName() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.Bad.priority=high")
			.run((context) -> assertFailure(context, "pushwire.server.channels.Bad", "invalid channel kind", "'Bad'"));
	}

	@Test
	void failsForNonPositiveRetentionBounds() {
		this.contextRunner.withPropertyValues("pushwire.server.max-retained-bytes=0")
			.run((context) -> assertFailure(context, "pushwire.server.max-retained-bytes must be positive"));
		this.contextRunner.withPropertyValues("pushwire.server.max-channels=0")
			.run((context) -> assertFailure(context, "pushwire.server.max-channels must be positive"));
	}

	@Test
	void failsForSystemKind() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.system.priority=high")
			.run((context) -> assertFailure(context, "pushwire.server.channels", "'system' is reserved"));
	}

	@Test
	void failsForSystemKindBean() {
		this.contextRunner.withBean("systemKind", ChannelKind.class, () -> ChannelKind.builder("system").build())
			.run((context) -> assertFailure(context, "'system' is reserved"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "subscribe", "publish" })
	void failsForUnknownAccessRule(String property) {
		this.contextRunner.withPropertyValues("pushwire.server.channels.chat." + property + "=sometimes")
			.run((context) -> assertFailure(context, "pushwire.server.channels.chat." + property,
					"Unknown access rule 'sometimes'", "role:NAME"));
	}

	@Test
	void failsForEmptyRoleRule() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.chat.subscribe=role:")
			.run((context) -> assertFailure(context, "pushwire.server.channels.chat.subscribe", "role:"));
	}

	@Test
	void failsForNegativeHistorySize() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.chat.history-size=-1")
			.run((context) -> assertFailure(context, "pushwire.server.channels.chat.history-size",
					"must not be negative", "'-1'"));
	}

	@Test
	void failsForNegativeHistoryTtl() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.chat.history-ttl=-1s")
			.run((context) -> assertFailure(context, "pushwire.server.channels.chat.history-ttl",
					"must not be negative"));
	}

	@Test
	void failsForSystemWireId() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.chat.wire-id=5")
			.run((context) -> assertFailure(context, "pushwire.server.channels", "'chat'", "wire id 5"));
	}

	@Test
	void failsForWireIdOutOfRange() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.chat.wire-id=300")
			.run((context) -> assertFailure(context, "pushwire.server.channels.chat", "0 to 255", "300"));
	}

	@Test
	void failsForDuplicateWireId() {
		this.contextRunner
			.withPropertyValues("pushwire.server.channels.chat.wire-id=9", "pushwire.server.channels.news.wire-id=9")
			.run((context) -> assertFailure(context, "pushwire.server.channels", "'chat' and 'news'", "wire id 9"));
	}

	@Test
	void failsForKindDeclaredInPropertiesAndAsBean() {
		this.contextRunner.withUserConfiguration(TickerKind.class)
			.withPropertyValues("pushwire.server.channels.ticker.priority=high")
			.run((context) -> assertFailure(context, "'ticker' is declared twice"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "rps/", "/rps/", "/rps/*", "rps" })
	void failsForInvalidPath(String path) {
		this.contextRunner.withPropertyValues("pushwire.server.path=" + path)
			.run((context) -> assertFailure(context, "pushwire.server.path", "'" + path + "'"));
	}

	@Test
	void failsForInvalidPathWithUserSettings() {
		this.contextRunner.withUserConfiguration(UserPushServerSettings.class)
			.withPropertyValues("pushwire.server.path=rps/")
			.run((context) -> assertFailure(context, "pushwire.server.path", "'rps/'"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "heartbeat", "heartbeat-grace", "handshake-timeout", "session-ttl", "write-timeout" })
	void failsForZeroDuration(String property) {
		this.contextRunner.withPropertyValues("pushwire.server." + property + "=0s")
			.run((context) -> assertFailure(context, "pushwire.server." + property, "positive duration"));
	}

	@Test
	void failsForQueueSmallerThanMessage() {
		this.contextRunner
			.withPropertyValues("pushwire.server.max-message-size=64KB", "pushwire.server.max-queued-bytes=32KB")
			.run((context) -> assertFailure(context, "pushwire.server.max-queued-bytes",
					"pushwire.server.max-message-size"));
	}

	@Test
	void failsForTinyMessageSize() {
		this.contextRunner.withPropertyValues("pushwire.server.max-message-size=100B")
			.run((context) -> assertFailure(context, "pushwire.server.max-message-size", "256B"));
	}

	@Test
	void failsForZeroMaxSubscriptions() {
		this.contextRunner.withPropertyValues("pushwire.server.max-subscriptions=0")
			.run((context) -> assertFailure(context, "pushwire.server.max-subscriptions"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "max-connections-per-principal", "max-connections-per-second", "max-inbound-rate",
			"max-inbound-burst", "max-channel-name-length" })
	void failsForLimitBelowOne(String property) {
		this.contextRunner.withPropertyValues("pushwire.server." + property + "=0")
			.run((context) -> assertFailure(context, "pushwire.server." + property));
	}

	@Test
	void limitsDefaultToSafeValues() {
		this.contextRunner
			.run((context) -> assertThat(context.getBean(ServerLimits.class)).isEqualTo(ServerLimits.defaults())
				.isEqualTo(new ServerLimits(100, 2000, 100, 200, 233)));
	}

	@Test
	void failsForInvalidPriority() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.chat.priority=urgent").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(causes(context.getStartupFailure())).filteredOn(BindException.class::isInstance)
				.singleElement()
				.satisfies((ex) -> assertThat(ex).hasMessageContaining("pushwire.server.channels.chat.priority"));
		});
	}

	private static void assertFailure(ApplicationContextAssertProvider<?> context, String... fragments) {
		assertThat(context).hasFailed();
		// One exception in the chain says it all: which property and what is wrong with
		// it.
		assertThat(causes(context.getStartupFailure())).map(Throwable::getMessage)
			.as("messages of the startup failure and its causes")
			.anySatisfy((message) -> assertThat(message).contains(fragments));
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable ex = failure; ex != null && !causes.contains(ex); ex = ex.getCause()) {
			causes.add(ex);
		}
		return causes;
	}

	private static void assertNoPushwireBeans(ApplicationContextAssertProvider<?> context) {
		assertThat(context).hasNotFailed();
		assertThat(pushwireBeanNames(context)).isEmpty();
		assertThat(context.getBeanNamesForType(HandlerMapping.class)).isEmpty();
	}

	private static List<String> pushwireBeanNames(ApplicationContext context) {
		return Arrays.stream(context.getBeanDefinitionNames()).filter((name) -> {
			Class<?> type = context.getType(name);
			return name.startsWith("pushwire") || name.startsWith("io.pushwire")
					|| (type != null && type.getName().startsWith("io.pushwire."));
		}).toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserProtocolCodec {

		@Bean
		ProtocolCodec userProtocolCodec() {
			return new ProtocolCodec();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserChannelRegistry {

		@Bean
		ChannelRegistry userChannelRegistry() {
			return new ChannelRegistry(List.of(ChannelKind.builder("custom").build()));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPushServerSettings {

		@Bean
		PushServerSettings userPushServerSettings() {
			return new PushServerSettings(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1024,
					Duration.ofSeconds(1), 4096, Duration.ofSeconds(1), 0, 1, 1, true,
					PushServerSettings.BASE_FEATURES);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserServerLimits {

		@Bean
		ServerLimits userServerLimits() {
			return new ServerLimits(1, 1, 1, 1, 10);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserChannelStreamStore {

		@Bean(destroyMethod = "dispose")
		ChannelStreamStore userChannelStreamStore() {
			return new InMemoryChannelStreamStore();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserChannelStore {

		@Bean
		ChannelStore userChannelStore() {
			InMemoryChannelStreamStore storage = new InMemoryChannelStreamStore();
			return new ChannelStore() {

				@Override
				public Mono<StoredFrame> append(ChannelName channel, ChannelKind kind, JsonNode payload,
						@Nullable String clientId) {
					return storage.append(channel, kind, payload, clientId);
				}

				@Override
				public Mono<StreamReplay> read(ChannelName channel, ChannelKind kind,
						ResumeToken.@Nullable Position from) {
					return storage.read(channel, kind, from);
				}

				@Override
				public Mono<StreamPosition> position(String channel) {
					return storage.position(channel);
				}

				@Override
				public int size() {
					return storage.size();
				}

			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSessionRegistry {

		@Bean(destroyMethod = "dispose")
		SessionRegistry userSessionRegistry() {
			return new InMemorySessionRegistry(Duration.ofMinutes(1));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserChannelAuthorizer {

		@Bean
		ChannelAuthorizer userChannelAuthorizer() {
			return ChannelAuthorizer.declarative();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserAuthValidator {

		@Bean
		AuthValidator userAuthValidator() {
			return (request) -> Mono.empty();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserChannelHandlerRegistry {

		@Bean
		ChannelHandlerRegistry userChannelHandlerRegistry() {
			return new ChannelHandlerRegistry();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPushHandlerMethodDetector {

		@Bean
		PushHandlerMethodDetector userPushHandlerMethodDetector(ChannelHandlerRegistry handlers,
				ChannelRegistry channels) {
			return new PushHandlerMethodDetector(handlers, JsonMapper.builder().build(), channels::isDeclared);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConnectionFactory {

		@Bean
		ConnectionFactory userConnectionFactory(PushServerSettings settings, ServerLimits limits, ProtocolCodec codec,
				ClientChannels channels, ChannelAuthorizer authorizer, ChannelStreamStore streams,
				SessionRegistry sessions, PresenceRegistry presence, HeartbeatMonitor heartbeats,
				ConnectionAdmission admission, ClientAuthenticator authenticator, Acknowledgements acknowledgements,
				FrameDispatcher frames) {
			return new ConnectionFactory(settings, limits, codec, channels, authorizer, streams, sessions, presence,
					heartbeats, admission, authenticator, acknowledgements, frames);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPushServer {

		@Bean
		PushServer userPushServer(ChannelPublisher publisher, ChannelRegistry channels, ChannelStreamStore streams,
				SessionRegistry sessions, PresenceRegistry presence, ProtocolCodec codec, PushServerSettings settings,
				io.pushwire.server.asset.AssetPublisher assets) {
			return new DefaultPushServer(publisher, channels, streams, sessions, presence, codec, settings, assets);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHandlerMapping {

		@Bean
		HandlerMapping pushwireHandlerMapping() {
			return new SimpleUrlHandlerMapping();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TickerKind {

		@Bean
		ChannelKind tickerKind() {
			return ChannelKind.builder("ticker")
				.priority(Priority.LOW)
				.historySize(1)
				.historyTtl(Duration.ofSeconds(5))
				.subscribe(AccessRule.ANONYMOUS)
				.publish(AccessRule.NONE)
				.build();
		}

	}

	@PushHandler
	static class ShoutHandler {

		@PushHandler("shout")
		String shout(String text) {
			return text.toUpperCase();
		}

	}

}

package io.pushwire.autoconfigure.reactive;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.PushServer;
import io.pushwire.server.connection.ClientAuthenticator;
import io.pushwire.server.connection.ConnectionFactory;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.http.AckEndpoint;
import io.pushwire.server.http.BrowserClientEndpoint;
import io.pushwire.server.http.HttpSettings;
import io.pushwire.server.http.SendEndpoint;
import io.pushwire.server.sse.SseEndpoint;
import io.pushwire.server.websocket.PushWebSocketEndpoint;
import io.pushwire.server.websocket.PushWebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushwireWebFluxAutoConfiguration}.
 */
class PushwireWebFluxAutoConfigurationTests {

	private static final Class<?>[] ENDPOINT_TYPES = { PushWebSocketHandler.class, PushWebSocketEndpoint.class,
			SseEndpoint.class, AckEndpoint.class, SendEndpoint.class, BrowserClientEndpoint.class };

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
				PushwireWebFluxAutoConfiguration.class, JacksonAutoConfiguration.class));

	@Test
	void isRegisteredAfterTheServerAutoConfiguration() {
		List<String> candidates = ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader())
			.getCandidates();
		assertThat(candidates).contains(PushwireServerAutoConfiguration.class.getName(),
				PushwireWebFluxAutoConfiguration.class.getName());
		assertThat(PushwireWebFluxAutoConfiguration.class.getAnnotation(AutoConfiguration.class).after())
			.contains(PushwireServerAutoConfiguration.class);
	}

	@Test
	void contributesEachEndpointAsABeanAndMapsThem() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			for (Class<?> type : ENDPOINT_TYPES) {
				assertThat(context).hasSingleBean(type);
			}
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			Map<String, Object> routes = new LinkedHashMap<>(mapping.getUrlMap());
			assertThat(routes)
				.containsOnlyKeys("/rps", "/rps/sse", "/rps/ack", "/rps/send", "/rps/assets/*", "/rps/client.js")
				.containsEntry("/rps", context.getBean(PushWebSocketEndpoint.class))
				.containsEntry("/rps/sse", context.getBean(SseEndpoint.class))
				.containsEntry("/rps/ack", context.getBean(AckEndpoint.class))
				.containsEntry("/rps/send", context.getBean(SendEndpoint.class))
				.containsEntry("/rps/client.js", context.getBean(BrowserClientEndpoint.class));
			assertThat(context.getBean(PushWebSocketEndpoint.class)).extracting("handler")
				.isSameAs(context.getBean(PushWebSocketHandler.class));
		});
	}

	@Test
	void usesTheApplicationsSseEndpoint() {
		this.contextRunner.withUserConfiguration(UserSseEndpoint.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(SseEndpoint.class);
			SseEndpoint user = context.getBean("userSseEndpoint", SseEndpoint.class);
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap().get("/rps/sse")).isSameAs(user);
			// The other endpoints are still the auto-configured ones.
			assertThat(context.getBeanNamesForType(AckEndpoint.class)).containsExactly("pushwireAckEndpoint");
		});
	}

	@Test
	void usesTheApplicationsWebSocketHandler() {
		this.contextRunner.withUserConfiguration(UserWebSocketHandler.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(PushWebSocketHandler.class)).containsExactly("userWebSocketHandler");
			PushWebSocketEndpoint endpoint = context.getBean(PushWebSocketEndpoint.class);
			assertThat(endpoint).extracting("handler").isSameAs(context.getBean("userWebSocketHandler"));
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap().get("/rps")).isSameAs(endpoint);
		});
	}

	@Test
	void usesTheApplicationsWebSocketEndpoint() {
		this.contextRunner.withUserConfiguration(UserWebSocketEndpoint.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBeanNamesForType(PushWebSocketEndpoint.class))
				.containsExactly("userWebSocketEndpoint");
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap().get("/rps")).isSameAs(context.getBean("userWebSocketEndpoint"));
		});
	}

	@Test
	void contributesNoHttpEndpointsWhenSseIsDisabled() {
		this.contextRunner.withPropertyValues("pushwire.server.sse.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(SseEndpoint.class)
				.doesNotHaveBean(AckEndpoint.class)
				.doesNotHaveBean(SendEndpoint.class)
				.hasSingleBean(PushWebSocketEndpoint.class)
				.hasSingleBean(BrowserClientEndpoint.class);
			SimpleUrlHandlerMapping mapping = context.getBean("pushwireHandlerMapping", SimpleUrlHandlerMapping.class);
			assertThat(mapping.getUrlMap()).containsOnlyKeys("/rps", "/rps/assets/*", "/rps/client.js");
		});
	}

	@Test
	void contributesNoBrowserClientEndpointWhenItIsDisabled() {
		this.contextRunner.withPropertyValues("pushwire.server.browser-client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(BrowserClientEndpoint.class)
				.hasSingleBean(SseEndpoint.class));
	}

	@Test
	void contributesNoEndpointInANonReactiveApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
					PushwireWebFluxAutoConfiguration.class, JacksonAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				for (Class<?> type : ENDPOINT_TYPES) {
					assertThat(context).doesNotHaveBean(type);
				}
				assertThat(context).doesNotHaveBean("pushwireHandlerMapping");
			});
	}

	@Test
	void contributesNoEndpointWithoutAPushServer() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PushwireWebFluxAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				for (Class<?> type : ENDPOINT_TYPES) {
					assertThat(context).doesNotHaveBean(type);
				}
				assertThat(context).doesNotHaveBean("pushwireHandlerMapping");
			});
	}

	@Test
	void contributesNothingWithoutAJsonMapper() {
		// The server converts payloads with the application's JsonMapper; without Spring
		// Boot's
		// Jackson auto-configuration (or a JsonMapper of the application's) it does not
		// apply.
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
					PushwireWebFluxAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(PushServer.class).doesNotHaveBean(ConnectionFactory.class);
				assertThat(context).doesNotHaveBean("pushwireHandlerMapping");
			});
	}

	@Test
	void usesTheApplicationsJsonMapper() {
		new ReactiveWebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
					PushwireWebFluxAutoConfiguration.class))
			.withBean("userJsonMapper", JsonMapper.class, () -> JsonMapper.builder().build())
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(PushServer.class).hasBean("pushwireHandlerMapping");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UserSseEndpoint {

		@Bean
		SseEndpoint userSseEndpoint(ConnectionFactory connections, ClientAuthenticator authenticator,
				ProtocolCodec codec, PushServerSettings settings) {
			return new SseEndpoint(connections, authenticator, codec, settings,
					new HttpSettings(Duration.ofSeconds(1), false));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWebSocketHandler {

		@Bean
		PushWebSocketHandler userWebSocketHandler(ConnectionFactory connections, PushServerSettings settings,
				ProtocolCodec codec) {
			return new PushWebSocketHandler(connections, settings, codec, true);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWebSocketEndpoint {

		@Bean
		PushWebSocketEndpoint userWebSocketEndpoint(PushWebSocketHandler handler, ProtocolCodec codec) {
			return new PushWebSocketEndpoint(new HandshakeWebSocketService(), handler, List.of(), codec.mapper());
		}

	}

}

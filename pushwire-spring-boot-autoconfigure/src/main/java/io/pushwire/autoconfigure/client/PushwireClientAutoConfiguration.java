package io.pushwire.autoconfigure.client;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import javax.net.ssl.SSLException;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.client.CursorStore;
import io.pushwire.client.FileCursorStore;
import io.pushwire.client.PushClient;
import io.pushwire.client.PushClientExtension;
import io.pushwire.client.PushCredentials;
import io.pushwire.client.RetryStrategy;
import io.pushwire.core.ProtocolCodec;

/**
 * Auto-configuration of the pushwire client: a prototype {@link PushClient.Builder}
 * configured from {@code pushwire.client.*} and the application's {@code JsonMapper},
 * {@code WebClient.Builder}, SSL bundles, {@link PushCredentials}, {@link CursorStore}
 * and {@link RetryStrategy} beans; with {@code pushwire.client.base-url} (or
 * {@code base-urls}) also a {@link PushClient} that connects when the application starts
 * and disconnects gracefully when it stops.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = JacksonAutoConfiguration.class,
		afterName = { "org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration",
				"io.pushwire.autoconfigure.PushwireServerAutoConfiguration" })
@ConditionalOnClass({ HttpClient.class, WebClient.class, JsonMapper.class })
@ConditionalOnBooleanProperty(name = "pushwire.client.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PushwireClientProperties.class)
public final class PushwireClientAutoConfiguration {

	@Bean
	@Scope(ConfigurableBeanFactory.SCOPE_PROTOTYPE)
	@ConditionalOnMissingBean
	PushClient.Builder pushClientBuilder(PushwireClientProperties properties, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<ProtocolCodec> codec, ObjectProvider<WebClient.Builder> webClientBuilder,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<PushCredentials> credentials,
			ObjectProvider<CursorStore> cursorStore, ObjectProvider<RetryStrategy> retryStrategy,
			ObjectProvider<PushClientExtension> extensions) {
		PushClient.Builder builder = PushClient.builder();
		// The application's extensions (and the client's meters), in their order.
		extensions.orderedStream().forEach(builder::extension);
		if (StringUtils.hasText(properties.getBaseUrl())) {
			builder.baseUrl(properties.getBaseUrl());
		}
		properties.getBaseUrls().forEach(builder::baseUrl);
		builder.channels(properties.getChannels()).clientId(properties.getClientId());
		PushCredentials supplied = credentials.getIfAvailable();
		if (supplied != null) {
			builder.credentials(supplied);
		}
		else if (StringUtils.hasText(properties.getToken())) {
			builder.token(properties.getToken());
		}
		if (StringUtils.hasText(properties.getUsername())) {
			builder.basicAuth(properties.getUsername(),
					(properties.getPassword() != null) ? properties.getPassword() : "");
		}
		builder.transport(properties.getTransport())
			.format(properties.getFormat())
			.ack(properties.getAck(), properties.getAckInterval())
			.frameBuffer(properties.getFrameBuffer(), properties.getFrameOverflow())
			.timeouts(properties.getConnectTimeout(), properties.getHandshakeTimeout(), properties.getHeartbeatGrace())
			.shutdownTimeout(properties.getShutdownTimeout())
			.requestTimeout(properties.getRequestTimeout())
			.maxMessageSize((int) Math.min(Integer.MAX_VALUE, properties.getMaxMessageSize().toBytes()))
			.fragmentSize((int) Math.min(Integer.MAX_VALUE, properties.getFragmentSize().toBytes()))
			.refreshRatio(properties.getRefreshRatio())
			.sseQueryToken(properties.isSseQueryToken())
			.delta(properties.getDelta().toArray(String[]::new));
		PushwireClientProperties.SendQueue queue = properties.getSendQueue();
		builder.sendQueue(queue.getCapacity(), queue.getMaxBytes().toBytes(), queue.getOverflow())
			.sendTimeout(queue.getTimeout());
		PushwireClientProperties.Reconnect reconnect = properties.getReconnect();
		builder.retryStrategy(retryStrategy.getIfAvailable(() -> retryStrategy(reconnect)))
			.stableAfter(reconnect.getStableAfter());
		builder.cursorStore(cursorStore.getIfAvailable(() -> cursorStore(properties)),
				properties.getCursorStoreFlush());
		jsonMapper.ifAvailable(builder::jsonMapper);
		codec.ifAvailable(builder::codec);
		webClientBuilder.ifAvailable(builder::webClientBuilder);
		PushwireClientProperties.Ssl ssl = properties.getSsl();
		builder.insecureTrustAll(ssl.isInsecureTrustAll());
		if (StringUtils.hasText(ssl.getBundle())) {
			SslBundles bundles = sslBundles.getIfAvailable();
			if (bundles == null) {
				throw new IllegalStateException("pushwire.client.ssl.bundle is set to '" + ssl.getBundle()
						+ "' but no SslBundles bean exists; configure spring.ssl.bundle.*");
			}
			SslContext context = nettyContext(bundles.getBundle(ssl.getBundle()));
			builder.customizeHttpClient((client) -> client.secure((spec) -> spec.sslContext(context)));
		}
		return builder;
	}

	static RetryStrategy retryStrategy(PushwireClientProperties.Reconnect reconnect) {
		Random random = (reconnect.getSeed() != null) ? new Random(reconnect.getSeed()) : new Random();
		switch (reconnect.getStrategy()) {
			case NONE:
				return RetryStrategy.none();
			case FIXED:
				return RetryStrategy.fixed(reconnect.getInitial(), reconnect.getMaxAttempts());
			default:
				Duration initial = reconnect.getInitial();
				Duration max = reconnect.getMax();
				double factor = reconnect.getFactor();
				if (reconnect.getPreset() != null) {
					RetryStrategy.Preset preset = RetryStrategy.Preset.valueOf(reconnect.getPreset().name());
					initial = preset.initial();
					max = preset.max();
					factor = preset.factor();
				}
				try {
					return RetryStrategy.exponential(initial, max, factor, reconnect.getJitter(),
							reconnect.getMaxAttempts(), random);
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalStateException("Invalid pushwire.client.reconnect.*: " + ex.getMessage(), ex);
				}
		}
	}

	static CursorStore cursorStore(PushwireClientProperties properties) {
		if (properties.getCursorStore() == PushwireClientProperties.CursorStoreType.FILE) {
			if (properties.getCursorStorePath() == null) {
				throw new IllegalStateException(
						"pushwire.client.cursor-store=file needs pushwire.client.cursor-store-path (a file the client may write)");
			}
			return new FileCursorStore(properties.getCursorStorePath());
		}
		return CursorStore.inMemory();
	}

	private static SslContext nettyContext(SslBundle bundle) {
		try {
			SslContextBuilder builder = SslContextBuilder.forClient()
				.keyManager(bundle.getManagers().getKeyManagerFactory())
				.trustManager(bundle.getManagers().getTrustManagerFactory());
			if (bundle.getOptions().getEnabledProtocols() != null) {
				builder.protocols(bundle.getOptions().getEnabledProtocols());
			}
			if (bundle.getOptions().getCiphers() != null) {
				builder.ciphers(List.of(bundle.getOptions().getCiphers()));
			}
			return builder.build();
		}
		catch (SSLException ex) {
			throw new IllegalStateException(
					"Cannot use the SSL bundle of pushwire.client.ssl.bundle: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The connected client, when a base URL is configured.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(OnBaseUrlCondition.class)
	static class ConnectedClientConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PushClient pushClient(PushClient.Builder builder) {
			return builder.build();
		}

		@Bean
		@ConditionalOnBooleanProperty(name = "pushwire.client.auto-connect", matchIfMissing = true)
		PushClientLifecycle pushwireClientLifecycle(PushClient client, PushwireClientProperties properties) {
			return new PushClientLifecycle(client, properties.getShutdownTimeout());
		}

	}

	/**
	 * Matches when {@code pushwire.client.base-url} or {@code base-urls} is set.
	 */
	static class OnBaseUrlCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Binder binder = Binder.get(context.getEnvironment());
			boolean single = binder.bind("pushwire.client.base-url", String.class)
				.map(StringUtils::hasText)
				.orElse(false);
			boolean several = !binder.bind("pushwire.client.base-urls", Bindable.listOf(String.class))
				.orElse(List.of())
				.isEmpty();
			return (single || several) ? ConditionOutcome.match("pushwire.client.base-url(s) is set")
					: ConditionOutcome.noMatch("neither pushwire.client.base-url nor base-urls is set");
		}

	}

}

package io.pushwire.autoconfigure.rtc;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

import io.pushwire.autoconfigure.InvalidPushwirePropertyException;
import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.connection.ClientChannels;
import io.pushwire.server.connection.PresenceRegistry;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.rtc.PeerPolicy;
import io.pushwire.server.rtc.RtcExchange;
import io.pushwire.server.rtc.RtcSettings;

/**
 * WebRTC rooms (PROTOCOL.md §10): the {@link RtcExchange} that routes signaling, keeps
 * the peers' routes and relays their data, with its {@link PeerPolicy}. The connections
 * use it once the application declares the {@code rtc} channel kind; off with
 * {@code pushwire.server.rtc.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = PushwireServerAutoConfiguration.class)
@ConditionalOnBean(PresenceRegistry.class)
@ConditionalOnBooleanProperty(name = "pushwire.server.rtc.enabled", matchIfMissing = true)
@EnableConfigurationProperties(PushwireRtcProperties.class)
public final class PushwireRtcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PeerPolicy pushwirePeerPolicy() {
		return PeerPolicy.sameRoom();
	}

	@Bean
	@ConditionalOnMissingBean
	RtcSettings pushwireRtcSettings(PushwireRtcProperties properties) {
		String prefix = "pushwire.server.rtc.";
		require(properties.getFailureThreshold() >= 1, prefix + "failure-threshold", properties.getFailureThreshold(),
				"must be at least 1");
		require(properties.getRetryBackoff() != null && properties.getRetryBackoff().toMillis() > 0,
				prefix + "retry-backoff", properties.getRetryBackoff(), "must be positive");
		require(properties.getMaxRetryBackoff() != null
				&& properties.getMaxRetryBackoff().compareTo(properties.getRetryBackoff()) >= 0,
				prefix + "max-retry-backoff", properties.getMaxRetryBackoff(),
				"must not be shorter than retry-backoff");
		require(properties.getMaxCandidatesPerPair() >= 1, prefix + "max-candidates-per-pair",
				properties.getMaxCandidatesPerPair(), "must be at least 1");
		PushwireRtcProperties.Relay relay = properties.getRelay();
		require(relay.getBytesPerSecond() != null && relay.getBytesPerSecond().toBytes() > 0,
				prefix + "relay.bytes-per-second", relay.getBytesPerSecond(), "must be positive");
		require(relay.getBurstBytes() != null && relay.getBurstBytes().toBytes() > 0, prefix + "relay.burst-bytes",
				relay.getBurstBytes(), "must be positive");
		PushwireRtcProperties.Turn turn = properties.getTurn();
		require(turn.getTtl() != null && turn.getTtl().getSeconds() >= 1, prefix + "turn.ttl", turn.getTtl(),
				"must be at least 1s");
		return new RtcSettings(properties.getFailureThreshold(), properties.getRetryBackoff(),
				properties.getMaxRetryBackoff(), relay.getBytesPerSecond().toBytes(), relay.getBurstBytes().toBytes(),
				properties.getMaxCandidatesPerPair(), turn.getSecret(), turn.getTtl(), turn.getServer(),
				turn.getUrls());
	}

	private static void require(boolean condition, String property, Object value, String reason) {
		if (!condition) {
			throw new InvalidPushwirePropertyException(property, value, reason);
		}
	}

	@Bean
	@ConditionalOnMissingBean
	RtcExchange pushwireRtcExchange(RtcSettings settings, ClientChannels channels, SessionRegistry sessions,
			PresenceRegistry presence, ProtocolCodec codec, PeerPolicy policy) {
		return new RtcExchange(settings, channels, sessions, presence, codec, policy);
	}

}

package io.pushwire.client;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link PushClient} was built with, checked once.
 */
record ClientSettings(List<String> baseUrls, List<String> channels, @Nullable String clientId,
		TransportPreference transport, RetryStrategy retry, Predicate<PushConnectionException> reconnectRule,
		Duration stableAfter, int sendQueueCapacity, long sendQueueMaxBytes, SendOverflow sendOverflow,
		Duration sendTimeout, AckMode ackMode, Duration ackInterval, int frameBuffer, FrameOverflow frameOverflow,
		Duration handshakeTimeout, Duration heartbeatGrace, Duration shutdownTimeout, Duration requestTimeout,
		double refreshRatio, Duration cursorStoreFlush, List<HandshakeStep> handshakeSteps,
		List<PushClientExtension> extensions, PushClientExtension.ExtensionErrorPolicy extensionErrorPolicy) {

	ClientSettings {
		if (baseUrls.isEmpty()) {
			throw new IllegalArgumentException(
					"A PushClient needs a server: set pushwire.client.base-url (or base-urls), e.g. http://localhost:8080/rps");
		}
		baseUrls = List.copyOf(baseUrls);
		channels = List.copyOf(channels);
		handshakeSteps = List.copyOf(handshakeSteps);
		extensions = List.copyOf(extensions);
		if (refreshRatio <= 0 || refreshRatio >= 1) {
			throw new IllegalArgumentException(
					"pushwire.client.refresh-ratio must be between 0 and 1, was " + refreshRatio);
		}
		if (frameBuffer < 1) {
			throw new IllegalArgumentException("pushwire.client.frame-buffer must be positive, was " + frameBuffer);
		}
	}

}

package io.pushwire.server.connection;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.Frame;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.PublishResult;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.observation.PushMetrics;
import io.pushwire.server.stream.ChannelStreamStore;

/**
 * Publishes to channels, for the application ({@code PushServer}) and for the replies of
 * handlers: converts the payload with the application's mapper and appends it to the
 * channel's stream.
 *
 * @since 0.1.0
 */
public final class ChannelPublisher {

	/** The transport tag of what the application publishes itself. */
	public static final String SERVER = "server";

	private final ChannelRegistry channels;

	private final ChannelStreamStore streams;

	private final ProtocolCodec codec;

	private final JsonMapper payloadMapper;

	private volatile PushMetrics metrics = PushMetrics.NONE;

	/**
	 * Create a publisher.
	 * @param channels the declared channel kinds
	 * @param streams the channel streams
	 * @param codec the protocol codec (encodes transient frames)
	 * @param payloadMapper the application's mapper, for converting payloads
	 */
	public ChannelPublisher(ChannelRegistry channels, ChannelStreamStore streams, ProtocolCodec codec,
			JsonMapper payloadMapper) {
		this.channels = channels;
		this.streams = streams;
		this.codec = codec;
		this.payloadMapper = payloadMapper;
	}

	/**
	 * Count publications in these metrics from now on.
	 * @param metrics the metrics, {@link PushMetrics#NONE} unless replaced
	 */
	public void setMetrics(PushMetrics metrics) {
		this.metrics = metrics;
	}

	/**
	 * Convert an application value to a JSON payload with the application's mapper.
	 * @param payload the value
	 * @return the JSON
	 */
	public JsonNode toPayload(@Nullable Object payload) {
		if (payload instanceof JsonNode node) {
			return node;
		}
		return this.payloadMapper.valueToTree(payload);
	}

	/**
	 * Publish to a channel's stream.
	 * @param channel the channel
	 * @param payload the payload
	 * @param clientId the publishing client or {@code null}
	 * @return where it was stored
	 */
	public Mono<PublishResult> publish(String channel, @Nullable Object payload, @Nullable String clientId) {
		return publish(channel, payload, clientId, SERVER);
	}

	/**
	 * Publish to a channel's stream, counted for a transport.
	 * @param channel the channel
	 * @param payload the payload
	 * @param clientId the publishing client or {@code null}
	 * @param transport where the publication came from: {@value #SERVER} for the
	 * application, the transport of the client frame a handler replied to
	 * @return where it was stored
	 */
	public Mono<PublishResult> publish(String channel, @Nullable Object payload, @Nullable String clientId,
			String transport) {
		return Mono.defer(() -> {
			ChannelRegistry.ResolvedChannel resolved = this.channels.resolve(channel);
			JsonNode json = toPayload(payload);
			PushMetrics current = this.metrics;
			return this.streams.stream(resolved.name(), resolved.kind()).append(json, clientId).map((frame) -> {
				if (current != PushMetrics.NONE) {
					current.channel(resolved.kind().name(), transport).published(1);
				}
				return new PublishResult(frame.channel(), frame.cursor(), frame.epoch());
			});
		});
	}

	/**
	 * Deliver a transient frame to a channel's current subscribers.
	 * @param channel the channel
	 * @param payload the payload
	 * @param clientId the publishing client or {@code null}
	 * @return how many connections it was queued for
	 */
	public Mono<Integer> publishTransient(String channel, @Nullable Object payload, @Nullable String clientId) {
		return publishTransient(channel, payload, clientId, SERVER);
	}

	/**
	 * Deliver a transient frame to a channel's current subscribers, counted for a
	 * transport.
	 * @param channel the channel
	 * @param payload the payload
	 * @param clientId the publishing client or {@code null}
	 * @param transport where the publication came from: {@value #SERVER} for the
	 * application, the transport of the client frame a handler replied to
	 * @return how many connections it was queued for
	 */
	public Mono<Integer> publishTransient(String channel, @Nullable Object payload, @Nullable String clientId,
			String transport) {
		return Mono.defer(() -> {
			ChannelRegistry.ResolvedChannel resolved = this.channels.resolve(channel);
			// Encoded as JSON now (a payload that cannot be fails here), in other formats
			// on first use.
			PreparedMessage frame = PreparedMessage.of(this.codec,
					new Frame(channel, null, toPayload(payload), clientId));
			PushMetrics current = this.metrics;
			if (current != PushMetrics.NONE) {
				current.channel(resolved.kind().name(), transport).published(1);
			}
			return this.streams.stream(resolved.name(), resolved.kind()).publishTransient(frame);
		});
	}

}

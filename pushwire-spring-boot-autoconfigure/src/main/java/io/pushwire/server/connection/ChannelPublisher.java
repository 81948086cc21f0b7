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
import io.pushwire.server.stream.ChannelStreamStore;

/**
 * Publishes to channels, for the application ({@code PushServer}) and for the replies of
 * handlers: converts the payload with the application's mapper and appends it to the
 * channel's stream.
 *
 * @since 0.1.0
 */
public final class ChannelPublisher {

	private final ChannelRegistry channels;

	private final ChannelStreamStore streams;

	private final ProtocolCodec codec;

	private final JsonMapper payloadMapper;

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
		return Mono.defer(() -> {
			ChannelRegistry.ResolvedChannel resolved = this.channels.resolve(channel);
			JsonNode json = toPayload(payload);
			return this.streams.stream(resolved.name(), resolved.kind())
				.append(json, clientId)
				.map((frame) -> new PublishResult(frame.channel(), frame.cursor(), frame.epoch()));
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
		return Mono.defer(() -> {
			ChannelRegistry.ResolvedChannel resolved = this.channels.resolve(channel);
			// Encoded as JSON now (a payload that cannot be fails here), in other formats
			// on first use.
			PreparedMessage frame = PreparedMessage.of(this.codec,
					new Frame(channel, null, toPayload(payload), clientId));
			return this.streams.stream(resolved.name(), resolved.kind()).publishTransient(frame);
		});
	}

}

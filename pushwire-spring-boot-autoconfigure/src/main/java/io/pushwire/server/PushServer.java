package io.pushwire.server;

import java.util.Collection;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.pushwire.core.Frame;
import io.pushwire.server.channel.ChannelKind;

/**
 * The application's API to the push server. Every method is non-blocking and safe to call
 * from any thread. Payloads are converted to JSON with the application's Jackson
 * {@code JsonMapper}.
 * <p>
 * Publishing to a channel whose kind is not declared fails with a
 * {@link io.pushwire.core.ProtocolException} of code {@code unknown_channel}.
 *
 * @since 0.1.0
 */
public interface PushServer {

	/**
	 * Publish a payload to a channel: store it with the channel's next cursor and deliver
	 * it to every subscriber.
	 * @param channel the channel, {@code kind} or {@code kind:topic}
	 * @param payload the payload (any value Jackson can write, or a {@code JsonNode})
	 * @return where the frame was stored
	 */
	Mono<PublishResult> publish(String channel, @Nullable Object payload);

	/**
	 * Publish a payload on behalf of a client: delivered frames carry its
	 * {@code client_id}.
	 * @param channel the channel
	 * @param payload the payload
	 * @param clientId the client id, or {@code null}
	 * @return where the frame was stored
	 */
	Mono<PublishResult> publish(String channel, @Nullable Object payload, @Nullable String clientId);

	/**
	 * Deliver a payload to a channel's current subscribers without storing it: the frame
	 * carries no cursor and is never replayed.
	 * @param channel the channel
	 * @param payload the payload
	 * @return the number of connections it was queued for
	 */
	Mono<Integer> publishTransient(String channel, @Nullable Object payload);

	/**
	 * Deliver a transient frame to one client, whatever it subscribed to.
	 * @param clientId the client id
	 * @param channel the channel the frame names
	 * @param payload the payload
	 * @return {@code true} when the client was connected and the frame was queued (with
	 * several nodes: handed to the node the client is connected to)
	 */
	Mono<Boolean> sendTo(String clientId, String channel, @Nullable Object payload);

	/**
	 * The sessions of clients connected to this node.
	 * @return a snapshot
	 * @see #connectedClientsOnEveryNode()
	 */
	Collection<PushSession> connectedClients();

	/**
	 * The sessions of clients connected to any node (PROTOCOL.md §13): with one node,
	 * those of {@link #connectedClients()}; with a shared store, sessions of other nodes
	 * are views of what the store holds (their {@code transport} is {@code null} and
	 * their {@code channels} empty).
	 * @return a snapshot
	 */
	default Mono<java.util.List<PushSession>> connectedClientsOnEveryNode() {
		return Mono.fromSupplier(() -> java.util.List.copyOf(connectedClients()));
	}

	/**
	 * A session, connected or not (sessions outlive their connection for
	 * {@code session-ttl}).
	 * @param clientId the client id
	 * @return the session
	 */
	Optional<PushSession> session(String clientId);

	/**
	 * Receive the frames published to a channel from now on. The subscriber must keep up:
	 * past {@code pushwire.server.subscriber-buffer} frames waiting, the {@code Flux}
	 * fails with an {@code IllegalStateException}.
	 * @param channel the channel
	 * @return the frames, with their cursors
	 */
	Flux<Frame> subscribe(String channel);

	/**
	 * Receive a channel's frames after a cursor (those still in the replay window), then
	 * live ones.
	 * @param channel the channel
	 * @param afterCursor the last cursor already seen
	 * @return the frames, with their cursors
	 */
	Flux<Frame> subscribe(String channel, long afterCursor);

	/**
	 * Receive a channel's frames after a cursor of a given epoch, as a client resumes
	 * (PROTOCOL.md §5.2). When the resume point is gone (another epoch, a cursor beyond
	 * the head, or frames no longer held) the {@code Flux} starts with a
	 * {@link io.pushwire.core.SystemOp.ResumeRequired} naming the first cursor that
	 * follows and the current epoch; the frames that follow are of that epoch.
	 * @param channel the channel
	 * @param afterCursor the last cursor already seen
	 * @param epoch the epoch that cursor belongs to, or {@code null} for the current one
	 * @return an optional {@code ResumeRequired}, then {@link Frame}s with their cursors
	 * @since 0.2.0
	 */
	Flux<io.pushwire.core.PushMessage> subscribe(String channel, long afterCursor, @Nullable String epoch);

	/**
	 * How many bytes of frames the server retains for replay, over all channels, counted
	 * by their encoded size. With the in-memory store it never exceeds
	 * {@code pushwire.server.max-retained-bytes}.
	 * @return the bytes, or 0 when the channel store does not count them
	 * @since 0.2.0
	 */
	long retainedBytes();

	/**
	 * Who is subscribed to a channel (PROTOCOL.md §12), on every node (§13): with one
	 * node in the order they subscribed; a client with several connections to it is
	 * listed once. The channel's kind must have presence
	 * ({@code pushwire.server.channels.<kind>.presence} or
	 * {@link ChannelKind.Builder#presence}).
	 * @param channel the channel
	 * @return the members; fails with a {@link io.pushwire.core.ProtocolException} of
	 * code {@code unknown_channel} for a kind that is not declared, {@code bad_message}
	 * for a kind without presence
	 * @since 0.2.0
	 */
	Mono<java.util.List<PresenceMember>> presence(String channel);

	/**
	 * Switch the route between two peers of a WebRTC room (PROTOCOL.md §10.4), reason
	 * {@code operator_override}: both clients get {@code mode_switch} with the next
	 * generation. A switch to the current mode is no switch.
	 * @param channel the room, {@code rtc:<room>}, both are subscribed to
	 * @param clientId one client
	 * @param peerId the other
	 * @param mode the mode to switch to
	 * @return {@code true} when the route switched, {@code false} when it already was in
	 * that mode; fails with a {@link io.pushwire.core.ProtocolException} of code
	 * {@code not_connected} when the two are not peers of that room, {@code no_handler}
	 * when the server routes no peers
	 * @since 0.1.0
	 */
	Mono<Boolean> switchPeerRoute(String channel, String clientId, String peerId, PeerRouteMode mode);

	/**
	 * Publish a binary asset (PROTOCOL.md §9): one frame whose payload is the asset
	 * object, inline up to {@code pushwire.server.assets.inline-limit} bytes, by pointer
	 * to {@code <path>/assets/<sha256>} above it. Fails with a
	 * {@link io.pushwire.core.ProtocolException} of code {@code unknown_channel},
	 * {@code unsupported_media_type} (a type not in
	 * {@code pushwire.server.assets.allowed-types}), {@code too_large} (above
	 * {@code pushwire.server.assets.max-size}) or {@code unavailable} (the asset store is
	 * full of assets still referred to), in that order, and then publishes nothing.
	 * @param channel the channel
	 * @param bytes the bytes
	 * @param mime the MIME type
	 * @param name a name for the asset (a file name), or {@code null}
	 * @return where the frame was stored, and the asset
	 * @since 0.1.0
	 */
	Mono<AssetPublishResult> publishAsset(String channel, byte[] bytes, String mime, @Nullable String name);

	/**
	 * Check what {@link #publishAsset} would refuse before the bytes are at hand (an
	 * upload still being received, say), in the same order: the channel, the MIME type,
	 * then the size when it is known.
	 * @param channel the channel
	 * @param mime the MIME type
	 * @param size the number of bytes, or a negative number when not known yet
	 * @throws io.pushwire.core.ProtocolException {@code bad_message} or
	 * {@code unknown_channel} for the channel, {@code unsupported_media_type},
	 * {@code too_large}
	 * @since 0.1.0
	 */
	void checkAsset(String channel, @Nullable String mime, long size);

	/**
	 * Publish a binary asset read from a resource, as
	 * {@link #publishAsset(String, byte[], String, String)}; the resource is read off the
	 * event loops, at most {@code max-size} + 1 bytes of it.
	 * @param channel the channel
	 * @param resource the bytes
	 * @param mime the MIME type
	 * @param name a name for the asset, or {@code null}
	 * @return where the frame was stored, and the asset
	 * @since 0.1.0
	 */
	Mono<AssetPublishResult> publishAsset(String channel, org.springframework.core.io.Resource resource, String mime,
			@Nullable String name);

}

package io.pushwire.server.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.PushMessage;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;
import io.pushwire.server.AssetPublishResult;
import io.pushwire.server.PeerRouteMode;
import io.pushwire.server.PresenceMember;
import io.pushwire.server.PublishResult;
import io.pushwire.server.PushServer;
import io.pushwire.server.PushSession;
import io.pushwire.server.asset.AssetPublisher;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.ChannelPublisher;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.PresenceRegistry;
import io.pushwire.server.connection.PushServerSettings;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.rtc.RtcExchange;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.ResumePlan;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;
import io.pushwire.server.stream.StreamListener.EpochChange;

/**
 * The {@link PushServer} of this node: publishes through the {@link ChannelPublisher},
 * finds sessions in the {@link SessionRegistry}, and subscribes server-side listeners to
 * the streams.
 *
 * @since 0.1.0
 */
public final class DefaultPushServer implements PushServer {

	private final ChannelPublisher publisher;

	private final ChannelRegistry channels;

	private final ChannelStreamStore streams;

	private final SessionRegistry sessions;

	private final PresenceRegistry presence;

	private final ProtocolCodec codec;

	private final int subscriberBuffer;

	private final @Nullable RtcExchange peers;

	private final AssetPublisher assets;

	/**
	 * Create the server API of a node.
	 * @param publisher publishes to channels
	 * @param channels the declared channel kinds
	 * @param streams the channel streams (server-side subscribers attach to them)
	 * @param sessions the sessions
	 * @param presence the presence memberships
	 * @param codec the protocol codec (encodes frames sent to one client)
	 * @param settings the settings (the buffer of server-side subscribers)
	 * @param assets publishes assets
	 */
	public DefaultPushServer(ChannelPublisher publisher, ChannelRegistry channels, ChannelStreamStore streams,
			SessionRegistry sessions, PresenceRegistry presence, ProtocolCodec codec, PushServerSettings settings,
			AssetPublisher assets) {
		this(publisher, channels, streams, sessions, presence, codec, settings, assets, null);
	}

	/**
	 * Create the server API of a node whose clients may be peers of WebRTC rooms.
	 * @param publisher publishes to channels
	 * @param channels the declared channel kinds
	 * @param streams the channel streams (server-side subscribers attach to them)
	 * @param sessions the sessions
	 * @param presence the presence memberships
	 * @param codec the protocol codec (encodes frames sent to one client)
	 * @param settings the settings (the buffer of server-side subscribers)
	 * @param assets publishes assets
	 * @param peers the peers of rooms, or {@code null} when the server routes none
	 */
	public DefaultPushServer(ChannelPublisher publisher, ChannelRegistry channels, ChannelStreamStore streams,
			SessionRegistry sessions, PresenceRegistry presence, ProtocolCodec codec, PushServerSettings settings,
			AssetPublisher assets, @Nullable RtcExchange peers) {
		this.peers = peers;
		this.publisher = publisher;
		this.channels = channels;
		this.streams = streams;
		this.sessions = sessions;
		this.presence = presence;
		this.codec = codec;
		this.subscriberBuffer = settings.subscriberBuffer();
		this.assets = assets;
	}

	@Override
	public Mono<AssetPublishResult> publishAsset(String channel, byte[] bytes, String mime, @Nullable String name) {
		return this.assets.publish(channel, bytes, mime, name);
	}

	@Override
	public void checkAsset(String channel, @Nullable String mime, long size) {
		this.assets.check(channel, mime);
		if (size >= 0) {
			this.assets.checkSize(size);
		}
	}

	@Override
	public Mono<AssetPublishResult> publishAsset(String channel, Resource resource, String mime,
			@Nullable String name) {
		return this.assets.publish(channel, resource, mime, name);
	}

	@Override
	public Mono<PublishResult> publish(String channel, @Nullable Object payload) {
		return this.publisher.publish(channel, payload, null);
	}

	@Override
	public Mono<PublishResult> publish(String channel, @Nullable Object payload, @Nullable String clientId) {
		return this.publisher.publish(channel, payload, clientId);
	}

	@Override
	public Mono<Integer> publishTransient(String channel, @Nullable Object payload) {
		return this.publisher.publishTransient(channel, payload, null);
	}

	@Override
	public Mono<Boolean> sendTo(String clientId, String channel, @Nullable Object payload) {
		return Mono.defer(() -> {
			ChannelRegistry.ResolvedChannel resolved = this.channels.resolve(channel);
			Frame frame = new Frame(channel, null, this.publisher.toPayload(payload), null);
			DefaultPushSession session = this.sessions.local(clientId);
			ClientConnection connection = (session != null) ? session.connection() : null;
			if (connection == null) {
				// Connected to another node, if any (a shared registry).
				return this.sessions.forward(clientId, frame);
			}
			return Mono
				.just(connection.sendTransient(PreparedMessage.of(this.codec, frame), resolved.kind().priority()));
		});
	}

	@Override
	public Collection<PushSession> connectedClients() {
		return new ArrayList<>(this.sessions.connected());
	}

	@Override
	public Mono<java.util.List<PushSession>> connectedClientsOnEveryNode() {
		return this.sessions.connectedEverywhere();
	}

	@Override
	public Optional<PushSession> session(String clientId) {
		return Optional.ofNullable(this.sessions.local(clientId));
	}

	@Override
	public Flux<Frame> subscribe(String channel) {
		return subscribe(channel, null, false).cast(Frame.class);
	}

	@Override
	public Flux<Frame> subscribe(String channel, long afterCursor) {
		return subscribe(channel, new ResumeToken.Position(afterCursor, null), false).cast(Frame.class);
	}

	@Override
	public Flux<PushMessage> subscribe(String channel, long afterCursor, @Nullable String epoch) {
		return subscribe(channel, new ResumeToken.Position(afterCursor, epoch), true);
	}

	@Override
	public Mono<java.util.List<PresenceMember>> presence(String channel) {
		return Mono.defer(() -> {
			ChannelRegistry.ResolvedChannel resolved = this.channels.resolve(channel);
			if (!resolved.kind().presence()) {
				throw new io.pushwire.core.ProtocolException(io.pushwire.core.ErrorCode.BAD_MESSAGE,
						"Channel kind '" + resolved.kind().name()
								+ "' does not offer presence; set pushwire.server.channels." + resolved.kind().name()
								+ ".presence=true to list who is subscribed to " + channel,
						channel);
			}
			return this.presence.list(channel)
				.map((entries) -> entries.stream()
					.map((entry) -> new PresenceMember(entry.clientId(), entry.user()))
					.toList());
		});
	}

	@Override
	public long retainedBytes() {
		return this.streams.retainedBytes();
	}

	private Flux<PushMessage> subscribe(String channel, ResumeToken.@Nullable Position from, boolean reportResume) {
		int buffer = this.subscriberBuffer;
		return Flux.<PushMessage>create((sink) -> {
			ChannelRegistry.ResolvedChannel resolved = this.channels.resolve(channel);
			SinkListener listener = new SinkListener(sink, reportResume);
			this.streams.stream(resolved.name(), resolved.kind()).attach(from, listener).subscribe((attachment) -> {
				listener.start(attachment);
				sink.onDispose(attachment.detach());
			}, sink::error);
		}, FluxSink.OverflowStrategy.BUFFER).onBackpressureBuffer(buffer, (frame) -> {
		}, BufferOverflowStrategy.ERROR)
			.onErrorMap(reactor.core.Exceptions::isOverflow,
					(ex) -> new IllegalStateException("Server-side subscriber to " + channel + " fell " + buffer
							+ " frames behind; consume faster or raise pushwire.server.subscriber-buffer", ex));
	}

	@Override
	public Mono<Boolean> switchPeerRoute(String channel, String clientId, String peerId, PeerRouteMode mode) {
		return Mono.fromSupplier(() -> {
			if (this.peers == null) {
				throw new ProtocolException(ErrorCode.NO_HANDLER,
						"This server routes no WebRTC peers (declare the rtc channel kind)", channel);
			}
			return this.peers.switchRoute(channel, clientId, peerId, mode);
		});
	}

	/**
	 * Feeds a server-side subscriber: a {@code resume_required} when asked for and due,
	 * the replay, then the frames held meanwhile, then live.
	 */
	private static final class SinkListener implements StreamListener {

		private final FluxSink<PushMessage> sink;

		private final boolean reportResume;

		private java.util.@Nullable List<Object> held = new ArrayList<>();

		private long last;

		private @Nullable String epoch;

		SinkListener(FluxSink<PushMessage> sink, boolean reportResume) {
			this.sink = sink;
			this.reportResume = reportResume;
		}

		synchronized void start(Attachment attachment) {
			ResumePlan plan = attachment.plan();
			this.last = plan.after();
			this.epoch = plan.epoch();
			if (this.reportResume && plan.resumeRequired()) {
				this.sink.next(new SystemOp.ResumeRequired(plan.channel(), plan.fromCursor(), plan.epoch()));
			}
			for (StoredFrame frame : attachment.replay()) {
				emit(frame);
			}
			java.util.@Nullable List<Object> pending = this.held;
			this.held = null;
			if (pending != null) {
				pending.forEach(this::emit);
			}
		}

		@Override
		public synchronized void onFrame(StoredFrame frame) {
			if (this.held != null) {
				this.held.add(frame);
			}
			else {
				emit(frame);
			}
		}

		@Override
		public synchronized void onEpochChange(EpochChange change) {
			if (this.held != null) {
				this.held.add(change);
			}
			else {
				emit(change);
			}
		}

		// A frame of another epoch than the one followed, not announced by an epoch
		// change, is stale; a new epoch is followed from its first cursor.
		private void emit(Object item) {
			if (item instanceof StoredFrame frame) {
				if (frame.cursor() > this.last && frame.epoch().equals(this.epoch)) {
					this.last = frame.cursor();
					this.sink.next(frame.toFrame());
				}
			}
			else if (item instanceof EpochChange change && !change.epoch().equals(this.epoch)) {
				this.epoch = change.epoch();
				this.last = change.fromCursor() - 1;
				if (this.reportResume) {
					this.sink.next(new SystemOp.ResumeRequired(change.channel(), change.fromCursor(), change.epoch()));
				}
			}
		}

		@Override
		public void onTransient(String channel, PreparedMessage frame) {
			// Server-side subscribers receive stored frames only.
		}

	}

}

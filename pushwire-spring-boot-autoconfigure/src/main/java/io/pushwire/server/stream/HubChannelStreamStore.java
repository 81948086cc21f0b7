package io.pushwire.server.stream;

import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ResumeToken;
import io.pushwire.server.channel.ChannelKind;

/**
 * Streams made of a {@link ChannelStore} (storage, possibly shared by several nodes) and
 * this node's {@link ChannelHub} (fan-out): what a remote store plugs into. A listener is
 * added to the hub before the store is read for its replay, so a frame appended meanwhile
 * may reach it both ways; listeners drop cursors they already have (as
 * {@code ChannelSubscription} does), so nothing is lost and nothing is delivered twice.
 * The store hands the hub the frames of the channels it follows, and is told to follow a
 * channel by each attachment and to stop when the channel's last listener on this node
 * detached.
 *
 * @since 0.1.0
 */
public final class HubChannelStreamStore implements ChannelStreamStore {

	private final ChannelStore store;

	private final ChannelHub hub;

	/**
	 * Create streams over a store.
	 * @param store the storage
	 * @param hub this node's fan-out, which the store feeds
	 */
	public HubChannelStreamStore(ChannelStore store, ChannelHub hub) {
		this.store = store;
		this.hub = hub;
	}

	@Override
	public ChannelStream stream(ChannelName channel, ChannelKind kind) {
		return new Stream(channel, kind);
	}

	@Override
	public Mono<StreamPosition> position(String channel) {
		return this.store.position(channel);
	}

	@Override
	public int size() {
		return this.store.size();
	}

	@Override
	public long retainedBytes() {
		return this.store.retainedBytes();
	}

	private final class Stream implements ChannelStream {

		private final ChannelName channel;

		private final ChannelKind kind;

		Stream(ChannelName channel, ChannelKind kind) {
			this.channel = channel;
			this.kind = kind;
		}

		@Override
		public String channel() {
			return this.channel.value();
		}

		@Override
		public Mono<StoredFrame> append(JsonNode payload, @Nullable String clientId) {
			return HubChannelStreamStore.this.store.append(this.channel, this.kind, payload, clientId);
		}

		@Override
		public Mono<Integer> publishTransient(PreparedMessage frame) {
			return HubChannelStreamStore.this.store.publishTransient(this.channel, frame)
				.then(Mono.fromSupplier(() -> HubChannelStreamStore.this.hub.publishTransient(channel(), frame)));
		}

		@Override
		public Mono<Attachment> attach(ResumeToken.@Nullable Position from, StreamListener listener) {
			return Mono.defer(() -> {
				ChannelHub hub = HubChannelStreamStore.this.hub;
				ChannelStore store = HubChannelStreamStore.this.store;
				hub.add(channel(), listener);
				Disposable detach = new Detach(listener);
				// Followed before the read: whatever is appended after the read reaches
				// the listener live.
				return store.follow(this.channel)
					.then(store.read(this.channel, this.kind, from))
					.map((replay) -> new Attachment(replay.plan(), replay.frames(), detach))
					.doOnError((ex) -> detach.dispose())
					.doOnCancel(detach::dispose);
			});
		}

		@Override
		public Mono<StreamPosition> position() {
			return HubChannelStreamStore.this.store.position(channel());
		}

		private final class Detach implements Disposable {

			private final StreamListener listener;

			private volatile boolean disposed;

			Detach(StreamListener listener) {
				this.listener = listener;
			}

			@Override
			public void dispose() {
				if (this.disposed) {
					return;
				}
				this.disposed = true;
				String name = channel();
				HubChannelStreamStore.this.hub.remove(name, this.listener,
						() -> HubChannelStreamStore.this.store.unfollow(name));
			}

			@Override
			public boolean isDisposed() {
				return this.disposed;
			}

		}

	}

}

package io.pushwire.server.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.IntNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.PreparedMessages;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.ResumeToken.Position;
import io.pushwire.server.channel.ChannelKind;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HubChannelStreamStore} over a store that behaves as a remote one:
 * frames reach the node's hub later, on another thread (as through Redis pub/sub), and
 * attaching is not atomic. The {@link ChannelStoreContractTests contract} runs over it
 * too.
 */
class HubChannelStreamStoreTests extends ChannelStoreContractTests {

	private static final ChannelName ROOM = ChannelName.parse("chat:room-42");

	private final MutableClock clock = new MutableClock();

	private final VirtualTimeScheduler scheduler = VirtualTimeScheduler.create();

	private final ChannelHub hub = new ChannelHub();

	private final List<RemoteLikeStore> made = new ArrayList<>();

	@AfterEach
	void disposeAll() {
		this.made.forEach(RemoteLikeStore::dispose);
	}

	@Override
	protected ChannelStore createStore() {
		RemoteLikeStore store = new RemoteLikeStore(new InMemoryChannelStreamStore(this.clock, Duration.ofSeconds(30),
				this.scheduler, new ProtocolCodec(), InMemoryChannelStreamStore.DEFAULT_MAX_RETAINED_BYTES, 1000),
				this.hub);
		this.made.add(store);
		return store;
	}

	@Override
	protected ChannelStore lose(ChannelStore store, ChannelName channel) {
		return createStore();
	}

	@Override
	protected void advanceClock(Duration duration) {
		this.clock.advance(duration);
	}

	@Override
	protected ChannelStreamStore streams(ChannelStore store) {
		return new HubChannelStreamStore(store, this.hub);
	}

	@Test
	void attachmentReplaysAndThenDeliversLive() throws Exception {
		RemoteLikeStore store = (RemoteLikeStore) createStore();
		ChannelStream stream = new HubChannelStreamStore(store, this.hub).stream(ROOM, CHAT);
		StoredFrame first = stream.append(IntNode.valueOf(1), null).block(TIMEOUT);
		stream.append(IntNode.valueOf(2), null).block(TIMEOUT);
		InMemoryChannelStreamTests.RecordingListener listener = new InMemoryChannelStreamTests.RecordingListener();
		Attachment attachment = stream.attach(new Position(1, first.epoch()), listener).block(TIMEOUT);
		assertThat(attachment.plan()).isEqualTo(new ResumePlan(ROOM.value(), first.epoch(), 2, 1, false));
		assertThat(attachment.replay()).extracting(StoredFrame::cursor).containsExactly(2L);
		assertThat(store.following()).containsExactly(ROOM.value());
		stream.append(IntNode.valueOf(3), null).block(TIMEOUT);
		store.drain();
		assertThat(InMemoryChannelStreamTests.cursors(listener.frames())).containsExactly(3L);
	}

	@Test
	void lastDetachmentOfTheNodeStopsFollowingTheChannel() throws Exception {
		RemoteLikeStore store = (RemoteLikeStore) createStore();
		ChannelStream stream = new HubChannelStreamStore(store, this.hub).stream(ROOM, CHAT);
		Attachment one = stream.attach(null, new InMemoryChannelStreamTests.RecordingListener()).block(TIMEOUT);
		Attachment two = stream.attach(null, new InMemoryChannelStreamTests.RecordingListener()).block(TIMEOUT);
		one.detach().dispose();
		assertThat(store.following()).containsExactly(ROOM.value());
		two.detach().dispose();
		two.detach().dispose();
		assertThat(store.following()).isEmpty();
		assertThat(this.hub.size()).isZero();
	}

	@Test
	void transientFrameReachesTheListenersOfThisNode() {
		RemoteLikeStore store = (RemoteLikeStore) createStore();
		ChannelStream stream = new HubChannelStreamStore(store, this.hub).stream(ROOM, CHAT);
		InMemoryChannelStreamTests.RecordingListener listener = new InMemoryChannelStreamTests.RecordingListener();
		stream.attach(null, listener).block(TIMEOUT);
		assertThat(stream.publishTransient(PreparedMessages.ofJson("{}".getBytes())).block(TIMEOUT)).isEqualTo(1);
		assertThat(listener.transients()).hasSize(1);
	}

	/**
	 * Stores frames in memory and hands them to the node's hub on a thread of its own,
	 * later: as a store that fans out through Redis pub/sub would.
	 */
	static final class RemoteLikeStore implements ChannelStore {

		private final InMemoryChannelStreamStore storage;

		private final ChannelHub hub;

		private final ExecutorService pubSub = Executors.newSingleThreadExecutor();

		private final Map<String, Disposable> followed = new ConcurrentHashMap<>();

		RemoteLikeStore(InMemoryChannelStreamStore storage, ChannelHub hub) {
			this.storage = storage;
			this.hub = hub;
		}

		@Override
		public Mono<StoredFrame> append(ChannelName channel, ChannelKind kind, JsonNode payload,
				@Nullable String clientId) {
			return this.storage.append(channel, kind, payload, clientId);
		}

		@Override
		public Mono<StreamReplay> read(ChannelName channel, ChannelKind kind, ResumeToken.@Nullable Position from) {
			return this.storage.read(channel, kind, from);
		}

		@Override
		public Mono<StreamPosition> position(String channel) {
			return this.storage.position(channel);
		}

		@Override
		public Mono<Void> follow(ChannelName channel) {
			return Mono.fromRunnable(() -> this.followed.computeIfAbsent(channel.value(), (name) -> {
				ChannelStream stream = this.storage.stream(channel, CHAT);
				Attachment attachment = stream.attach(null, new Forwarder()).block(TIMEOUT);
				return attachment.detach();
			}));
		}

		@Override
		public void unfollow(String channel) {
			Disposable subscription = this.followed.remove(channel);
			if (subscription != null) {
				subscription.dispose();
			}
		}

		@Override
		public int size() {
			return this.storage.size();
		}

		List<String> following() {
			return new ArrayList<>(this.followed.keySet());
		}

		/** Wait until what was handed to the pub/sub thread reached the hub. */
		void drain() throws Exception {
			this.pubSub.submit(() -> {
			}).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
		}

		void dispose() {
			this.pubSub.shutdownNow();
			this.storage.dispose();
		}

		private final class Forwarder implements StreamListener {

			@Override
			public void onFrame(StoredFrame frame) {
				RemoteLikeStore.this.pubSub.execute(() -> RemoteLikeStore.this.hub.publish(frame));
			}

			@Override
			public void onTransient(String channel, PreparedMessage frame) {
			}

		}

	}

}

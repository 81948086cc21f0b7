package io.pushwire.server.connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;

import io.pushwire.core.CloseReason;
import io.pushwire.core.PreparedMessages;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.InMemoryChannelStreamStore;
import io.pushwire.server.stream.ResumePlan;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChannelSubscription}: held while {@code auth_ok} or {@code subscribed}
 * is being queued, then the replay and what was held, then live frames, each cursor at
 * most once. Frames are handed to it directly, in the order a stream would, and written
 * on the calling thread.
 */
class ChannelSubscriptionTests {

	private static final String EPOCH = "Xb3kQ1pz";

	private final ProtocolCodec codec = new ProtocolCodec();

	private final InMemoryChannelStreamStore streams = new InMemoryChannelStreamStore();

	private final InMemorySessionRegistry sessions = new InMemorySessionRegistry(Duration.ofMinutes(5));

	private final ChannelKind chat = ChannelKind.builder("chat").historySize(10).build();

	private final TestNode node = new TestNode(PushServerSettings.defaults(), new ChannelRegistry(List.of(this.chat)),
			this.streams, this.sessions, (request) -> Mono.empty(), ChannelAuthorizer.declarative(),
			new ChannelHandlerRegistry(), this.codec, JsonMapper.builder().build());

	private final ClientConnection connection = this.node.connection(new ConnectionTransport() {

		@Override
		public String name() {
			return "test";
		}

		@Override
		public void heartbeat(ClientConnection connection) {
		}

		@Override
		public void abort(CloseReason reason) {
		}

	});

	private final List<String> written = new ArrayList<>();

	private final Disposable detach = Disposables.composite();

	ChannelSubscriptionTests() {
		this.connection.writeTo(new OutboundQueue.Writer() {

			@Override
			public boolean ready() {
				return true;
			}

			@Override
			public void write(Delivery delivery) {
				ChannelSubscriptionTests.this.written
					.add((delivery.frame() != null) ? "#" + delivery.frame().cursor() : new String(delivery.bytes()));
			}

			@Override
			public void flush() {
			}

			@Override
			public void complete() {
			}

		});
	}

	@AfterEach
	void dispose() {
		this.connection.terminated();
		this.node.dispose();
		this.sessions.dispose();
		this.streams.dispose();
	}

	@Test
	void queuesNothingWhileHeldThenTheReplayThenWhatWasHeldThenLiveFrames() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(2, frame(3), frame(4), frame(5)));
		subscription.onFrame(frame(6));
		subscription.onTransient("chat:a", PreparedMessages.ofJson("transient".getBytes()));
		subscription.onBatch(List.of(frame(7),
				new StreamListener.Transient("chat:a", PreparedMessages.ofJson("batched".getBytes()))));
		assertThat(this.written).isEmpty();
		subscription.release();
		assertThat(this.written).containsExactly("#3", "#4", "#5", "#6", "transient", "#7", "batched");
		subscription.onFrame(frame(8));
		subscription.onBatch(List.of(frame(9), frame(10)));
		assertThat(this.written).endsWith("#8", "#9", "#10");
		assertThat(subscription.lastCursor()).isEqualTo(10);
	}

	@Test
	void framesHeldThatTheReplayAlsoHoldsAreQueuedOnce() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(2, frame(3), frame(4)));
		subscription.onFrame(frame(4));
		subscription.onFrame(frame(5));
		subscription.release();
		assertThat(this.written).containsExactly("#3", "#4", "#5");
	}

	@Test
	void liveFramesAtOrBelowTheLastCursorAreDropped() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(4));
		subscription.release();
		subscription.onFrame(frame(4));
		subscription.onFrame(frame(5));
		subscription.onFrame(frame(5));
		subscription.onBatch(List.of(frame(5), frame(6),
				new StreamListener.Transient("chat:a", PreparedMessages.ofJson("t".getBytes())), frame(6), frame(7)));
		subscription.onBatch(List.of(frame(3), frame(8)));
		assertThat(this.written).containsExactly("#5", "#6", "t", "#7", "#8");
	}

	@Test
	void releaseIsQueuedOnce() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(0, frame(1)));
		subscription.release();
		subscription.release();
		assertThat(this.written).containsExactly("#1");
	}

	@Test
	void heldFramesPastTheBoundShedTheConnection() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(0));
		// At least 64 frames, or the kind's history size when larger.
		for (int cursor = 1; cursor <= 64; cursor++) {
			subscription.onFrame(frame(cursor));
		}
		assertThat(this.connection.closeReason()).isNull();
		subscription.onFrame(frame(65));
		assertThat(this.connection.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
	}

	@Test
	void cancelledSubscriptionQueuesNothingAndDetaches() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(0, frame(1)));
		subscription.onFrame(frame(2));
		subscription.cancel();
		assertThat(this.detach.isDisposed()).isTrue();
		subscription.release();
		subscription.onFrame(frame(3));
		subscription.onBatch(List.of(frame(4)));
		subscription.onTransient("chat:a", PreparedMessages.ofJson("t".getBytes()));
		assertThat(this.written).isEmpty();
	}

	@Test
	void subscriptionCancelledBeforeItsAttachmentArrivesIsDetachedWhenItDoes() {
		ChannelSubscription subscription = subscription();
		subscription.cancel();
		subscription.attached(attachment(0, frame(1)));
		assertThat(this.detach.isDisposed()).isTrue();
		subscription.release();
		assertThat(this.written).isEmpty();
	}

	@Test
	void newEpochIsToldWithResumeRequiredBehindTheOldFramesThenItsCursorsFollowFromOne() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(0));
		subscription.release();
		subscription.onBatch(List.of(frame(1), frame(2)));
		subscription.onBatch(List.of(frame(3), new StreamListener.EpochChange("chat:a", "N3wEpoch", 1),
				frame(1, "N3wEpoch"), frame(2, "N3wEpoch")));
		subscription.onFrame(frame(3, "N3wEpoch"));
		assertThat(this.written).containsExactly("#1", "#2", "#3",
				"{\"type\":\"resume_required\",\"channel\":\"chat:a\",\"from_cursor\":1,\"epoch\":\"N3wEpoch\"}", "#1",
				"#2", "#3");
		assertThat(subscription.epoch()).isEqualTo("N3wEpoch");
		// Told again (by another path of the store): nothing more.
		subscription.onEpochChange(new StreamListener.EpochChange("chat:a", "N3wEpoch", 1));
		subscription.onBatch(List.of(frame(4, "N3wEpoch")));
		assertThat(this.written).hasSize(8).endsWith("#4");
	}

	@Test
	void epochChangeAfterAFrameAlreadyQueuedInOneBatchIsStillTold() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(0, frame(1), frame(2)));
		subscription.release();
		subscription.onBatch(List.of(frame(2), frame(3), new StreamListener.EpochChange("chat:a", "N3wEpoch", 1),
				frame(1, "N3wEpoch")));
		assertThat(this.written).hasSize(5).startsWith("#1", "#2", "#3").endsWith("#1");
		assertThat(this.written.get(3)).contains("resume_required").contains("N3wEpoch");
	}

	@Test
	void framesOfAnotherEpochNotAnnouncedAreDroppedAsStale() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(0));
		subscription.release();
		subscription.onBatch(List.of(frame(1), frame(7, "0ldEpoch"), frame(2)));
		subscription.onFrame(frame(8, "0ldEpoch"));
		subscription.onFrame(frame(3));
		assertThat(this.written).containsExactly("#1", "#2", "#3");
	}

	@Test
	void epochChangeWhileHeldIsToldAfterTheReplay() {
		ChannelSubscription subscription = subscription();
		subscription.attached(attachment(0, frame(1)));
		subscription.onEpochChange(new StreamListener.EpochChange("chat:a", "N3wEpoch", 1));
		subscription.onFrame(frame(1, "N3wEpoch"));
		subscription.release();
		assertThat(this.written).hasSize(3).startsWith("#1").endsWith("#1");
		assertThat(this.written.get(1)).contains("resume_required").contains("N3wEpoch");
	}

	private ChannelSubscription subscription() {
		return new ChannelSubscription(this.connection, "chat:a", this.chat);
	}

	private Attachment attachment(long after, StoredFrame... replay) {
		long head = (replay.length > 0) ? replay[replay.length - 1].cursor() : after;
		return new Attachment(new ResumePlan("chat:a", EPOCH, head, after, false), List.of(replay), this.detach);
	}

	private static StoredFrame frame(long cursor) {
		return frame(cursor, EPOCH);
	}

	private static StoredFrame frame(long cursor, String epoch) {
		return new StoredFrame("chat:a", cursor, epoch, IntNode.valueOf((int) cursor), null, 0);
	}

}

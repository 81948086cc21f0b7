package io.pushwire.server.connection;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.IntNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.PreparedMessages;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.ResumeToken.Position;
import io.pushwire.security.AnonymousPrincipal;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.ChannelStream;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.InMemoryChannelStreamStore;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;
import io.pushwire.server.stream.StreamPosition;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DefaultPushSession}'s acknowledgements, recorded through
 * {@link TestNode}.
 */
class DefaultPushSessionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String CHANNEL = "chat:room-42";

	private final InMemoryChannelStreamStore store = new InMemoryChannelStreamStore();

	private final ChannelKind chat = ChannelKind.builder("chat").build();

	private final TestNode node = new TestNode(PushServerSettings.defaults(), new ChannelRegistry(List.of(this.chat)),
			this.store, new InMemorySessionRegistry(Duration.ofMinutes(1)), (request) -> Mono.empty(),
			ChannelAuthorizer.declarative(), new ChannelHandlerRegistry(), new ProtocolCodec(),
			JsonMapper.builder().build());

	private final DefaultPushSession session = new DefaultPushSession("6b1f0000-0000-4000-8000-000000000000",
			AnonymousPrincipal.forClient("6b1f0000-0000-4000-8000-000000000000"));

	@AfterEach
	void dispose() {
		this.store.dispose();
		this.node.dispose();
	}

	@Test
	void ackMadeInAnOldEpochKeepsThatEpochAndNeverSkipsTheNewEpochsFrames() {
		ChannelStream stream = this.store.stream(ChannelName.parse(CHANNEL), this.chat);
		for (int i = 1; i <= 5; i++) {
			stream.append(IntNode.valueOf(i), null).block(TIMEOUT);
		}
		// The client read cursors 1 to 3 of a stream the server has since lost; its ack
		// arrives now.
		this.session.channelAdded(CHANNEL, "oldEpoch");
		this.node.acknowledgements().acknowledge(this.session, CHANNEL, 3).block(TIMEOUT);
		assertThat(this.session.acknowledged(CHANNEL)).isEqualTo(new Position(3, "oldEpoch"));
		Attachment resumed = stream.attach(this.session.acknowledged(CHANNEL), new Ignoring()).block(TIMEOUT);
		assertThat(resumed.plan().resumeRequired()).isTrue();
		assertThat(resumed.replay()).extracting(StoredFrame::cursor).containsExactly(1L, 2L, 3L, 4L, 5L);
	}

	@Test
	void ackInTheCurrentEpochIsRecordedWithIt() {
		ChannelStream stream = this.store.stream(ChannelName.parse(CHANNEL), this.chat);
		stream.append(IntNode.valueOf(1), null).block(TIMEOUT);
		stream.append(IntNode.valueOf(2), null).block(TIMEOUT);
		String epoch = stream.position().block(TIMEOUT).epoch();
		this.session.channelAdded(CHANNEL, epoch);
		this.node.acknowledgements().acknowledge(this.session, CHANNEL, 2).block(TIMEOUT);
		assertThat(this.session.acknowledged(CHANNEL)).isEqualTo(new Position(2, epoch));
	}

	@Test
	void ackIsCheckedAgainstAStoreThatAnswersLater() {
		InMemoryChannelStreamStore memory = this.store;
		ChannelStreamStore later = new ChannelStreamStore() {

			@Override
			public ChannelStream stream(ChannelName channel, ChannelKind kind) {
				return memory.stream(channel, kind);
			}

			@Override
			public Mono<StreamPosition> position(String channel) {
				// Not completed when returned: as a remote store answers.
				return Mono.defer(() -> memory.position(channel)).publishOn(Schedulers.parallel());
			}

			@Override
			public int size() {
				return memory.size();
			}

		};
		Acknowledgements remote = new Acknowledgements(later, new InMemorySessionRegistry(Duration.ofMinutes(1)));
		ChannelStream stream = this.store.stream(ChannelName.parse(CHANNEL), this.chat);
		String epoch = stream.append(IntNode.valueOf(1), null).block(TIMEOUT).epoch();
		stream.append(IntNode.valueOf(2), null).block(TIMEOUT);
		this.session.channelAdded(CHANNEL, epoch);
		remote.acknowledge(this.session, CHANNEL, 2).block(TIMEOUT);
		assertThat(this.session.acknowledged(CHANNEL)).isEqualTo(new Position(2, epoch));
		StepVerifier.create(remote.acknowledge(this.session, CHANNEL, 3))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(ProtocolException.class,
					(protocol) -> assertThat(protocol.code()).isEqualTo(ErrorCode.BAD_MESSAGE)))
			.verify(TIMEOUT);
		assertThat(this.session.acknowledged(CHANNEL)).isEqualTo(new Position(2, epoch));
		// No stream holds the channel any more: the ack is kept in the epoch the
		// client read it in.
		this.session.channelAdded("chat:gone", "oldEpoch");
		remote.acknowledge(this.session, "chat:gone", 4).block(TIMEOUT);
		assertThat(this.session.acknowledged("chat:gone")).isEqualTo(new Position(4, "oldEpoch"));
	}

	private static final class Ignoring implements StreamListener {

		@Override
		public void onFrame(StoredFrame frame) {
		}

		@Override
		public void onTransient(String channel, PreparedMessage frame) {
			byte[] json = PreparedMessages.json(frame);
		}

	}

}

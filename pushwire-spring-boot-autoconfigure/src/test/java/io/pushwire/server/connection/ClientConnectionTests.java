package io.pushwire.server.connection;

import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ChannelName;
import io.pushwire.core.CloseReason;
import io.pushwire.core.Frame;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.PreparedMessages;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.PushMessage;
import io.pushwire.core.ResumeToken;
import io.pushwire.core.SystemOp;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.handler.ChannelHandlerRegistry;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.ChannelStream;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.InMemoryChannelStreamStore;
import io.pushwire.server.stream.StreamListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientConnection}: subscriptions, unsubscriptions and heartbeats,
 * against a real node with in-memory streams. Nothing drains on an event loop here: every
 * offer is written on the calling thread, so each test runs in one thread, in the order
 * it is written.
 */
class ClientConnectionTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Long enough that the node's own monitor never ticks during a test; tests tick
	 * themselves.
	 */
	private static final Duration HEARTBEAT = Duration.ofSeconds(100);

	private final ProtocolCodec codec = new ProtocolCodec();

	private final InMemoryChannelStreamStore memory = new InMemoryChannelStreamStore();

	private final InMemorySessionRegistry sessions = new InMemorySessionRegistry(Duration.ofMinutes(5));

	/**
	 * How the streams attach; a test may replace it to control when an attachment is
	 * emitted.
	 */
	private volatile AttachHook attachHook = ChannelStream::attach;

	/**
	 * Channels whose subscription the authorizer fails with an exception (a store or
	 * service down).
	 */
	private final Map<String, RuntimeException> failingSubscriptions = new HashMap<>();

	private final TestNode node = new TestNode(
			new PushServerSettings(
					HEARTBEAT, HEARTBEAT.multipliedBy(4), Duration.ofSeconds(10), 64 * 1024, Duration.ofMinutes(5),
					1024 * 1024, Duration.ofSeconds(30), 0, 256, 10_000, false, PushServerSettings.BASE_FEATURES),
			new ServerLimits(1000, 1000, 1000, 1000, ChannelName.MAX_LENGTH),
			new ChannelRegistry(
					List.of(ChannelKind.builder("chat").build(), ChannelKind.builder("small").historySize(10).build(),
							ChannelKind.builder("audit").priority(Priority.LOW).build(),
							ChannelKind.builder("room").presence(true).joinLeave(true).build())),
			new HookedStore(), this.sessions, (request) -> Mono.empty(), new TestAuthorizer(),
			new ChannelHandlerRegistry(), this.codec, JsonMapper.builder().build());

	private final RecordingTransport transport = new RecordingTransport();

	@AfterEach
	void dispose() {
		this.node.dispose();
		this.sessions.dispose();
		this.memory.dispose();
	}

	@Test
	void listenerAttachedWhileItsSubscribeIsCancelledIsDetached() {
		ClientConnection connection = started(List.of());
		CancellingSubscriber subscriber = new CancellingSubscriber();
		// The in-memory stream adds the listener inside Mono.fromSupplier: a cancel while
		// it does
		// makes Reactor discard the attachment that would detach it.
		this.attachHook = (stream, from, listener) -> Mono.fromSupplier(() -> {
			Attachment attachment = stream.attach(from, listener).block(TIMEOUT);
			subscriber.dispose();
			return attachment;
		});
		connection.handle(subscribe("chat:cancelled")).subscribe(subscriber);
		assertThat(subscriber.isDisposed()).isTrue();
		assertThat(listeners("chat:cancelled")).isZero();
	}

	@Test
	void attachmentEmittedAfterItsSubscribeWasCancelledIsDetached() {
		ClientConnection connection = started(List.of());
		Sinks.One<Attachment> later = Sinks.one();
		AtomicReference<Attachment> attached = new AtomicReference<>();
		// A stream whose attachment arrives later (a remote store), after the connection
		// went away.
		this.attachHook = (stream, from, listener) -> {
			attached.set(stream.attach(from, listener).block(TIMEOUT));
			return later.asMono();
		};
		CancellingSubscriber subscriber = new CancellingSubscriber();
		connection.handle(subscribe("chat:late")).subscribe(subscriber);
		subscriber.dispose();
		assertThat(listeners("chat:late")).isOne();
		later.tryEmitValue(attached.get());
		assertThat(listeners("chat:late")).isZero();
	}

	@Test
	void subscribeThatFailsForOneChannelConfirmsAndReleasesTheOthers() {
		this.failingSubscriptions.put("chat:broken", new IllegalStateException("authorization service down"));
		ClientConnection connection = started(List.of());
		RecordingWriter writer = new RecordingWriter();
		connection.writeTo(writer);
		StepVerifier.create(connection.handle(subscribe("small:a", "chat:broken", "small:b")))
			.expectComplete()
			.verify(TIMEOUT);
		// More frames than a held subscription keeps: still held, the client would be
		// shed (4008).
		for (int i = 1; i <= 100; i++) {
			this.node.publisher().publish("small:a", i, null).block(TIMEOUT);
		}
		assertThat(connection.closeReason()).isNull();
		List<String> messages = writer.labels();
		assertThat(messages).startsWith("auth_ok", "error:internal:chat:broken", "subscribed:[small:a, small:b]");
		assertThat(messages).hasSize(103).endsWith("small:a#100");
		assertThat(writer.messages.get(1)).isInstanceOfSatisfying(SystemOp.Error.class,
				(error) -> assertThat(error.message()).doesNotContain("authorization service down"));
	}

	@Test
	void authWithACapabilityThatFailsAnswersAuthOkAndDeliversTheOthers() {
		this.failingSubscriptions.put("chat:broken", new IllegalStateException("authorization service down"));
		ClientConnection connection = started(List.of("chat:broken", "small:a"));
		RecordingWriter writer = new RecordingWriter();
		connection.writeTo(writer);
		this.node.publisher().publish("small:a", "live", null).block(TIMEOUT);
		assertThat(writer.labels()).containsExactly("auth_ok", "error:internal:chat:broken", "small:a#1");
		assertThat(((SystemOp.AuthOk) writer.messages.get(0)).heads()).containsOnlyKeys("small:a");
	}

	@Test
	void unsubscribedComesAfterTheFramesOfThatChannelAlreadyQueued() {
		ClientConnection connection = started(List.of("chat:a", "audit:a"));
		RecordingWriter writer = new RecordingWriter();
		writer.ready = false;
		connection.writeTo(writer);
		for (int i = 1; i <= 3; i++) {
			this.node.publisher().publish("chat:a", i, null).block(TIMEOUT);
			this.node.publisher().publish("audit:a", i, null).block(TIMEOUT);
		}
		StepVerifier.create(connection.handle(new SystemOp.Unsubscribe(List.of("chat:a"))))
			.expectComplete()
			.verify(TIMEOUT);
		this.node.publisher().publish("chat:a", 4, null).block(TIMEOUT);
		writer.ready = true;
		connection.resumeWriting();
		assertThat(writer.labels()).containsExactly("auth_ok", "chat:a#1", "chat:a#2", "chat:a#3",
				"unsubscribed:[chat:a]", "audit:a#1", "audit:a#2", "audit:a#3");
	}

	@Test
	void unsubscribedOfSeveralChannelsComesAfterTheFramesOfEachOfThem() {
		ClientConnection connection = started(List.of("chat:a", "audit:a"));
		RecordingWriter writer = new RecordingWriter();
		writer.ready = false;
		connection.writeTo(writer);
		this.node.publisher().publish("audit:a", 1, null).block(TIMEOUT);
		this.node.publisher().publish("chat:a", 1, null).block(TIMEOUT);
		StepVerifier.create(connection.handle(new SystemOp.Unsubscribe(List.of("chat:a", "audit:a", "chat:never"))))
			.expectComplete()
			.verify(TIMEOUT);
		writer.ready = true;
		connection.resumeWriting();
		assertThat(writer.labels()).containsExactly("auth_ok", "chat:a#1", "audit:a#1",
				"unsubscribed:[chat:a, audit:a, chat:never]");
	}

	@Test
	void unsubscribedOfChannelsNotSubscribedIsAnOpAheadOfQueuedFrames() {
		ClientConnection connection = started(List.of("chat:a"));
		RecordingWriter writer = new RecordingWriter();
		writer.ready = false;
		connection.writeTo(writer);
		this.node.publisher().publish("chat:a", 1, null).block(TIMEOUT);
		StepVerifier.create(connection.handle(new SystemOp.Unsubscribe(List.of("chat:other"))))
			.expectComplete()
			.verify(TIMEOUT);
		writer.ready = true;
		connection.resumeWriting();
		assertThat(writer.labels()).containsExactly("auth_ok", "unsubscribed:[chat:other]", "chat:a#1");
	}

	@Test
	void firstPingsOfConnectionsStartedTogetherAreSpreadOverTheInterval() {
		int count = 200;
		int ticksPerInterval = 10;
		List<ClientConnection> connections = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			connections.add(started(List.of()));
		}
		long base = System.nanoTime();
		long tick = HEARTBEAT.toNanos() / ticksPerInterval;
		Map<ClientConnection, List<Integer>> pings = new HashMap<>();
		for (int k = 1; k <= 2 * ticksPerInterval; k++) {
			for (ClientConnection connection : connections) {
				int before = this.transport.heartbeats;
				connection.heartbeatTick(base + k * tick);
				if (this.transport.heartbeats > before) {
					pings.computeIfAbsent(connection, (key) -> new ArrayList<>()).add(k);
				}
			}
		}
		int[] firstPingsPerTick = new int[ticksPerInterval + 1];
		for (ClientConnection connection : connections) {
			assertThat(connection.closeReason()).isNull();
			List<Integer> ticks = pings.get(connection);
			assertThat(ticks).as("one ping per interval, the first within one interval").hasSize(2);
			assertThat(ticks.get(0)).isBetween(1, ticksPerInterval);
			assertThat(ticks.get(1)).isEqualTo(ticks.get(0) + ticksPerInterval);
			firstPingsPerTick[ticks.get(0)]++;
		}
		// Uniformly spread, 20 per tick; all 200 in one tick without jitter.
		assertThat(java.util.Arrays.stream(firstPingsPerTick).max().getAsInt()).isLessThan(count / 4);
	}

	@Test
	void replacedConnectionThatEndsBeforeItsSuccessorSubscribesLeavesOnlyTheChannelsNotSubscribedAgain() {
		ClientConnection observer = started(UUID.randomUUID().toString(), "olga", List.of("room:a", "room:b"));
		RecordingWriter seen = new RecordingWriter();
		observer.writeTo(seen);
		String bobId = UUID.randomUUID().toString();
		ClientConnection first = started(bobId, "bob", List.of("room:a", "room:b"));
		// The successor's subscription is granted only after the replaced connection
		// ended.
		Sinks.One<Attachment> later = Sinks.one();
		AtomicReference<Attachment> attached = new AtomicReference<>();
		this.attachHook = (stream, from, listener) -> {
			attached.set(stream.attach(from, listener).block(TIMEOUT));
			return later.asMono();
		};
		ClientConnection second = this.node.connection(this.transport);
		AtomicReference<SystemOp.AuthOk> ok = new AtomicReference<>();
		second.start(bobId, new SystemOp.Auth(bobId, null, List.of("room:a"), Map.of(), Map.of(), null), () -> "bob")
			.subscribe(ok::set);
		assertThat(first.closeReason()).isEqualTo(CloseReason.REPLACED);
		first.terminated();
		later.tryEmitValue(attached.get());
		assertThat(ok.get()).isNotNull();
		assertThat(seen.labels()).containsExactly("auth_ok", "join:room:a:bob", "join:room:b:bob", "leave:room:b:bob");
		assertThat(this.node.presence().members("room:a")).extracting(SystemOp.PresenceEntry::user)
			.containsExactly("olga", "bob");
		assertThat(this.node.presence().holders("room:a", bobId)).isOne();
		second.terminated();
		assertThat(seen.labels()).endsWith("leave:room:a:bob");
	}

	@Test
	void presenceListLargerThanHalfTheOutboundQueueIsRefusedWithoutClosing() {
		ClientConnection connection = started(List.of());
		RecordingWriter writer = new RecordingWriter();
		connection.writeTo(writer);
		for (int i = 0; i < 10_000; i++) {
			this.node.presence().add("room:big", UUID.randomUUID().toString(), "user-" + i, (json) -> {
			});
		}
		StepVerifier.create(connection.handle(new SystemOp.Presence("room:big"))).expectComplete().verify(TIMEOUT);
		this.node.presence().add("room:small", "only", "olga", (json) -> {
		});
		StepVerifier.create(connection.handle(new SystemOp.Presence("room:small"))).expectComplete().verify(TIMEOUT);
		assertThat(writer.labels()).containsExactly("auth_ok", "error:too_large:room:big", "presence_list");
		assertThat(connection.closeReason()).isNull();
	}

	private ClientConnection started(List<String> capabilities) {
		String clientId = UUID.randomUUID().toString();
		return started(clientId, "user-" + clientId, capabilities);
	}

	private ClientConnection started(String clientId, String user, List<String> capabilities) {
		ClientConnection connection = this.node.connection(this.transport);
		Principal principal = () -> user;
		StepVerifier
			.create(connection.start(clientId,
					new SystemOp.Auth(clientId, null, capabilities, Map.of(), Map.of(), null), principal))
			.expectNextCount(1)
			.expectComplete()
			.verify(TIMEOUT);
		return connection;
	}

	private static SystemOp.Subscribe subscribe(String... channels) {
		return new SystemOp.Subscribe(List.of(channels), Map.of(), Map.of());
	}

	/**
	 * How many listeners the channel's stream holds: a transient frame is given to each.
	 */
	private int listeners(String channel) {
		ChannelStream stream = this.memory.find(channel);
		return (stream != null) ? stream.publishTransient(PreparedMessages.ofJson(new byte[0])).block(TIMEOUT) : 0;
	}

	@FunctionalInterface
	private interface AttachHook {

		Mono<Attachment> attach(ChannelStream stream, ResumeToken.@Nullable Position from, StreamListener listener);

	}

	/** The in-memory streams, attaching through {@link #attachHook}. */
	private final class HookedStore implements ChannelStreamStore {

		@Override
		public ChannelStream stream(ChannelName channel, ChannelKind kind) {
			ChannelStream stream = ClientConnectionTests.this.memory.stream(channel, kind);
			return new ChannelStream() {

				@Override
				public String channel() {
					return stream.channel();
				}

				@Override
				public Mono<io.pushwire.server.stream.StoredFrame> append(tools.jackson.databind.JsonNode payload,
						@Nullable String clientId) {
					return stream.append(payload, clientId);
				}

				@Override
				public Mono<Integer> publishTransient(PreparedMessage frame) {
					return stream.publishTransient(frame);
				}

				@Override
				public Mono<Attachment> attach(ResumeToken.@Nullable Position from, StreamListener listener) {
					return ClientConnectionTests.this.attachHook.attach(stream, from, listener);
				}

				@Override
				public Mono<io.pushwire.server.stream.StreamPosition> position() {
					return stream.position();
				}

			};
		}

		@Override
		public Mono<io.pushwire.server.stream.StreamPosition> position(String channel) {
			return ClientConnectionTests.this.memory.position(channel);
		}

		@Override
		public int size() {
			return ClientConnectionTests.this.memory.size();
		}

	}

	private final class TestAuthorizer implements ChannelAuthorizer {

		@Override
		public Mono<Boolean> canSubscribe(Principal principal, ChannelName channel, ChannelKind kind) {
			RuntimeException failure = ClientConnectionTests.this.failingSubscriptions.get(channel.toString());
			return (failure != null) ? Mono.error(failure) : Mono.just(true);
		}

		@Override
		public Mono<Boolean> canPublish(Principal principal, ChannelName channel, ChannelKind kind) {
			return Mono.just(true);
		}

	}

	private static final class RecordingTransport implements ConnectionTransport {

		private int heartbeats;

		private final List<CloseReason> aborts = new ArrayList<>();

		@Override
		public String name() {
			return "test";
		}

		@Override
		public void heartbeat(ClientConnection connection) {
			this.heartbeats++;
		}

		@Override
		public void abort(CloseReason reason) {
			this.aborts.add(reason);
		}

	}

	/** Decodes what is written; writes only while {@link #ready}. */
	private final class RecordingWriter implements OutboundQueue.Writer {

		private volatile boolean ready = true;

		private final List<PushMessage> messages = new ArrayList<>();

		@Override
		public boolean ready() {
			return this.ready;
		}

		@Override
		public void write(Delivery delivery) {
			this.messages.add(ClientConnectionTests.this.codec.decode(new String(delivery.bytes())));
		}

		@Override
		public void flush() {
		}

		@Override
		public void complete() {
		}

		List<String> labels() {
			List<String> labels = new ArrayList<>();
			for (PushMessage message : this.messages) {
				if (message instanceof Frame frame) {
					labels.add(frame.channel() + "#" + frame.cursor());
				}
				else if (message instanceof SystemOp.Error error) {
					labels.add("error:" + error.code() + ":" + error.channel());
				}
				else if (message instanceof SystemOp.Subscribed subscribed) {
					labels.add("subscribed:" + subscribed.channels());
				}
				else if (message instanceof SystemOp.Unsubscribed unsubscribed) {
					labels.add("unsubscribed:" + unsubscribed.channels());
				}
				else if (message instanceof SystemOp.Join join) {
					labels.add("join:" + join.channel() + ":" + join.user());
				}
				else if (message instanceof SystemOp.Leave leave) {
					labels.add("leave:" + leave.channel() + ":" + leave.user());
				}
				else {
					labels.add(((SystemOp) message).type());
				}
			}
			return labels;
		}

	}

	/**
	 * Requests everything and can be cancelled from inside the chain it subscribed to.
	 */
	private static final class CancellingSubscriber extends BaseSubscriber<Void> {

		@Override
		protected void hookOnSubscribe(Subscription subscription) {
			requestUnbounded();
		}

	}

}

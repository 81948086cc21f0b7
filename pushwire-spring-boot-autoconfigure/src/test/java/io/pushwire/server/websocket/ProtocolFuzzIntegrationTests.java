package io.pushwire.server.websocket;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import io.pushwire.server.PushServer;
import io.pushwire.server.PushTestApplication;
import io.pushwire.server.TestWebSocketClient;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.websocket.MessageFuzzer.Category;
import io.pushwire.server.websocket.MessageFuzzer.Expected;
import io.pushwire.server.websocket.MessageFuzzer.Message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sends 100,000 malformed and mutated messages from {@link MessageFuzzer} (fixed seed)
 * over several real WebSocket connections at once and checks every reaction against
 * PROTOCOL.md §3–§4, while a well-behaved client keeps receiving frames in order and on
 * time; afterwards the server's heap and state return to their baseline.
 * <p>
 * Each fuzz message is followed by a {@code ping}, so the ops between two {@code pong}s
 * are the server's answer to one message, even with many messages in flight.
 */
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal", "pushwire.server.channels.alerts.priority=high",
				"pushwire.server.channels.alerts.publish=none", "pushwire.server.channels.ticker.priority=low",
				"pushwire.server.channels.inbox.subscribe=owner", "pushwire.server.channels.small.history-size=10",
				"pushwire.server.channels.fail.priority=normal", "pushwire.server.channels.reject.priority=normal",
				"pushwire.server.heartbeat=2s", "pushwire.server.heartbeat-grace=10s",
				"pushwire.server.handshake-timeout=10s", "pushwire.server.max-message-size=4KB",
				"pushwire.server.max-inbound-rate=1000000", "pushwire.server.max-inbound-burst=1000000" })
class ProtocolFuzzIntegrationTests {

	private static final int MESSAGES = 100_000;

	private static final int WARM_UP_MESSAGES = 5_000;

	private static final int WORKERS = 6;

	private static final int BATCH = 250;

	/**
	 * Threads that send the messages that close their connection, each on a fresh
	 * connection.
	 */
	private static final int CLOSERS = 2;

	/**
	 * One client id per closer thread: the session is reused, and no connection replaces
	 * another.
	 */
	private static final ThreadLocal<String> CLOSER_IDS = ThreadLocal.withInitial(() -> UUID.randomUUID().toString());

	private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration MAX_PROBE_LATENCY = Duration.ofSeconds(5);

	private static final long HEAP_TOLERANCE = 32L * 1024 * 1024;

	private static final String PING = "{\"type\":\"ping\"}";

	private static final String PONG = "{\"type\":\"pong\"}";

	private static final Set<String> ERROR_CODES = Set.of("bad_message", "unknown_channel", "forbidden", "unauthorized",
			"too_large", "rate_limited", "no_handler", "not_connected", "internal");

	private static final Set<String> LENIENT_CODES = Set.of("bad_message", "unknown_channel", "forbidden", "no_handler",
			"internal");

	private static final int MAX_REPORTED = 30;

	@LocalServerPort
	int port;

	@Autowired
	PushServer pushServer;

	@Autowired
	ChannelStreamStore streams;

	@Autowired
	SessionRegistry sessions;

	@Test
	void everyMalformedMessageIsAnsweredByTheRulesWhileAWellBehavedClientIsServedAndMemoryReturnsToBaseline()
			throws Exception {
		// Warm-up with another seed: classes, JIT, buffer pools and the pool channels'
		// streams.
		Stats warmUp = fuzz(new SplittableRandom(7), WARM_UP_MESSAGES);
		assertThat(warmUp.violations).isEmpty();
		try (Probe probe = new Probe()) {
			await().atMost(Duration.ofSeconds(10)).until(() -> this.pushServer.connectedClients().size() == 1);
			int streamsBefore = this.streams.size();
			int sessionsBefore = this.sessions.sessions().size();
			long heapBefore = usedHeapAfterGc();
			long start = System.nanoTime();

			Stats stats = fuzz(new SplittableRandom(42), MESSAGES);

			long elapsed = System.nanoTime() - start;
			await().atMost(Duration.ofSeconds(10)).until(() -> this.pushServer.connectedClients().size() == 1);
			long heapAfter = usedHeapAfterGc();
			probe.finish();
			int streamsAfter = this.streams.size();
			int sessionsAfter = this.sessions.sessions().size();
			System.out.printf(
					"Fuzz: %d messages in %d ms on %d connections (+%d fresh ones for closing messages, %d ms in all)%n",
					stats.total(), TimeUnit.NANOSECONDS.toMillis(elapsed), WORKERS, stats.freshConnections.sum(),
					TimeUnit.NANOSECONDS.toMillis(stats.closingNanos.sum()));
			stats.counts.forEach((category, count) -> System.out.printf("  %-20s %,7d%n", category, count.sum()));
			System.out.printf(
					"  answers: %,d errors (%,d rate_limited), %,d frames received on fuzz connections, "
							+ "%,d of %,d pings pipelined before a closing message answered%n",
					stats.errors.sum(), stats.rateLimited.sum(), stats.frames.sum(), stats.pongsBeforeClose.sum(),
					stats.pingsBeforeClose.sum());
			System.out.printf("Probe: %,d frames, max latency %d ms, %,d pongs%n", probe.received.get(),
					TimeUnit.NANOSECONDS.toMillis(probe.maxLatencyNanos.get()), probe.pongs.get());
			System.out.printf(
					"Heap: %,d KB before, %,d KB after; streams %d before, %d after (%d channels named); "
							+ "sessions %d before, %d after%n",
					heapBefore / 1024, heapAfter / 1024, streamsBefore, streamsAfter, stats.namedChannels.size(),
					sessionsBefore, sessionsAfter);

			assertThat(stats.violations).as("protocol violations (first %d)", MAX_REPORTED).isEmpty();
			assertThat(stats.total()).isGreaterThanOrEqualTo(MESSAGES);
			assertThat(probe.violations).as("well-behaved client").isEmpty();
			assertThat(probe.received.get()).isGreaterThan(100);
			assertThat(probe.client.isClosed()).isFalse();
			assertThat(heapAfter).as("used heap after fuzzing").isLessThan(heapBefore + HEAP_TOLERANCE);
			// Streams exist only for channels that a frame or subscribe named, not one
			// per message.
			assertThat(streamsAfter - streamsBefore).isLessThanOrEqualTo(stats.namedChannels.size());
			// One session per client id: the workers' and the closer threads', however
			// often they reconnected.
			assertThat(sessionsAfter - sessionsBefore).isLessThanOrEqualTo(WORKERS + CLOSERS);
		}
	}

	private Stats fuzz(SplittableRandom root, int messages) throws Exception {
		Stats stats = new Stats();
		List<String> pool = MessageFuzzer.channelPool();
		ExecutorService executor = Executors.newFixedThreadPool(WORKERS);
		ExecutorService closers = Executors.newFixedThreadPool(CLOSERS);
		try {
			List<Worker> workers = new ArrayList<>();
			List<Future<?>> futures = new ArrayList<>();
			for (int w = 0; w < WORKERS; w++) {
				String user = "fuzz" + w;
				MessageFuzzer fuzzer = new MessageFuzzer(root.split(), user, "ticker:home-" + w, pool);
				int count = messages / WORKERS + ((w < messages % WORKERS) ? 1 : 0);
				Worker worker = new Worker(user, fuzzer, count, stats, closers);
				workers.add(worker);
				futures.add(executor.submit(() -> {
					worker.run();
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(5, TimeUnit.MINUTES);
			}
			for (Worker worker : workers) {
				for (Future<?> future : worker.closing()) {
					future.get(5, TimeUnit.MINUTES);
				}
			}
		}
		finally {
			executor.shutdownNow();
			closers.shutdownNow();
		}
		return stats;
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long least = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			// Measuring memory is the one wait here that no event can replace.
			Thread.sleep(200);
			least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
		}
		return least;
	}

	private static void send(TestWebSocketClient client, Message message) {
		byte[] bytes = message.bytes();
		switch (message.form()) {
			case BINARY -> client.sendFrame(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
			case PING -> client.sendFrame(new PingWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
			default -> {
				int[] cuts = message.fragments();
				if (cuts.length == 0) {
					client.sendFrame(new TextWebSocketFrame(Unpooled.wrappedBuffer(bytes)));
					return;
				}
				client.sendFrame(new TextWebSocketFrame(false, 0, Unpooled.wrappedBuffer(bytes, 0, cuts[0])));
				for (int i = 0; i < cuts.length; i++) {
					int end = (i + 1 < cuts.length) ? cuts[i + 1] : bytes.length;
					client.sendFrame(new ContinuationWebSocketFrame(i + 1 == cuts.length, 0,
							Unpooled.wrappedBuffer(bytes, cuts[i], end - cuts[i])));
				}
			}
		}
	}

	/** An error's message is for people: no stack trace, no Java class names. */
	private static String leak(JsonNode error) {
		String message = error.path("message").asString("");
		for (String forbidden : List.of("Exception", "at io.", "java.", "\tat ", "tools.jackson", "reactor.")) {
			if (message.contains(forbidden)) {
				return "error message leaks internals (" + forbidden + "): " + message;
			}
		}
		if (message.isBlank()) {
			return "error without a message: " + error;
		}
		return null;
	}

	/** Counts and violations shared by the workers of one run. */
	static final class Stats {

		final Map<Category, LongAdder> counts = new EnumMap<>(Category.class);

		final List<String> violations = Collections.synchronizedList(new ArrayList<>());

		final LongAdder errors = new LongAdder();

		final LongAdder rateLimited = new LongAdder();

		final LongAdder frames = new LongAdder();

		final LongAdder freshConnections = new LongAdder();

		final LongAdder closingNanos = new LongAdder();

		final LongAdder pingsBeforeClose = new LongAdder();

		final LongAdder pongsBeforeClose = new LongAdder();

		/**
		 * Every channel a fuzz frame or subscribe named: the only ones that may get a
		 * stream.
		 */
		final Set<String> namedChannels = ConcurrentHashMap.newKeySet();

		Stats() {
			for (Category category : Category.values()) {
				this.counts.put(category, new LongAdder());
			}
		}

		long total() {
			return this.counts.values().stream().mapToLong(LongAdder::sum).sum();
		}

		void violation(String violation) {
			if (this.violations.size() < MAX_REPORTED) {
				this.violations.add(violation);
			}
		}

	}

	/** One fuzzing connection: pipelines batches of messages, each followed by a ping. */
	private final class Worker {

		private final String user;

		private final MessageFuzzer fuzzer;

		private final int count;

		private final Stats stats;

		private final String clientId = UUID.randomUUID().toString();

		private final ExecutorService closers;

		private final List<Future<?>> closing = new ArrayList<>();

		private TestWebSocketClient client;

		private int pingFrames;

		Worker(String user, MessageFuzzer fuzzer, int count, Stats stats, ExecutorService closers) {
			this.user = user;
			this.fuzzer = fuzzer;
			this.count = count;
			this.stats = stats;
			this.closers = closers;
		}

		List<Future<?>> closing() {
			return this.closing;
		}

		void run() {
			this.client = open();
			try {
				List<Message> batch = new ArrayList<>(BATCH);
				for (int i = 0; i < this.count; i++) {
					Message message = this.fuzzer.next();
					this.stats.counts.get(message.category()).increment();
					recordChannels(message);
					if (message.category().closes()) {
						// On other threads, so that this connection never falls silent
						// meanwhile.
						this.closing.add(this.closers.submit(() -> checkClosing(message)));
						continue;
					}
					send(this.client, message);
					if (message.form() == MessageFuzzer.Form.PING) {
						this.pingFrames++;
					}
					this.client.send(PING);
					batch.add(message);
					if (batch.size() == BATCH) {
						collect(batch);
						batch.clear();
					}
				}
				collect(batch);
				// Frames of subscribed channels keep coming: drain for a moment, then
				// check nothing else did.
				long drainUntil = System.nanoTime() + Duration.ofMillis(300).toNanos();
				JsonNode leftover;
				while (System.nanoTime() < drainUntil && (leftover = this.client.poll(Duration.ofMillis(50))) != null) {
					String type = leftover.path("type").asString(null);
					if ("ping".equals(type)) {
						this.client.send(PONG);
					}
					else if (type != null) {
						this.stats.violation(this.user + ": an answer matched no message: " + leftover);
					}
				}
				if (this.client.isClosed()) {
					this.stats.violation(this.user + ": connection closed at the end");
				}
				try {
					await().atMost(Duration.ofSeconds(2)).until(() -> this.client.pongFrames() >= this.pingFrames);
				}
				catch (ConditionTimeoutException ex) {
					// reported below
				}
				if (this.client.pongFrames() != this.pingFrames) {
					this.stats.violation(this.user + ": " + this.client.pongFrames() + " pong frames for "
							+ this.pingFrames + " ping frames");
				}
			}
			finally {
				this.client.close();
			}
		}

		private TestWebSocketClient open() {
			TestWebSocketClient opened = TestWebSocketClient.connect(ProtocolFuzzIntegrationTests.this.port);
			opened.auth("token-" + this.user, this.clientId,
					List.of("ticker:home-" + this.user.substring("fuzz".length())));
			return opened;
		}

		private void recordChannels(Message message) {
			if (message.form() != MessageFuzzer.Form.TEXT || message.category().closes()) {
				return;
			}
			try {
				JsonNode node = TestWebSocketClient.mapper().readTree(message.bytes());
				if (node.path("channel").isString()) {
					this.stats.namedChannels.add(node.path("channel").stringValue());
				}
				for (JsonNode channel : node.path("channels")) {
					this.stats.namedChannels.add(channel.asString(""));
				}
			}
			catch (RuntimeException ex) {
				// not JSON: names nothing
			}
		}

		/**
		 * Read the answers to a batch, in order: everything up to the pong after each
		 * message.
		 */
		private void collect(List<Message> batch) {
			for (Message message : batch) {
				List<JsonNode> ops = new ArrayList<>();
				int pongs = 0;
				while (pongs < message.expected().pongs() + 1) {
					JsonNode received = this.client.poll(ANSWER_TIMEOUT);
					if (received == null) {
						this.stats.violation(this.user + ": no complete answer within " + ANSWER_TIMEOUT + " to "
								+ message.describe() + "; got " + ops + ", closed: " + this.client.isClosed());
						reconnect();
						return;
					}
					String type = received.path("type").asString(null);
					if (type == null) {
						checkFrame(received);
					}
					else if (type.equals("ping")) {
						this.client.send(PONG);
					}
					else if (type.equals("pong")) {
						pongs++;
					}
					else if (type.equals("goodbye")) {
						this.stats.violation(
								this.user + ": connection closed (" + received + ") after " + message.describe());
						reconnect();
						return;
					}
					else {
						ops.add(received);
					}
				}
				String problem = check(message.expected(), ops);
				if (problem != null) {
					this.stats.violation(this.user + ": " + problem + " for " + message.describe() + "; got " + ops);
				}
			}
		}

		private void checkFrame(JsonNode frame) {
			this.stats.frames.increment();
			if (!frame.path("channel").isString()
					|| (frame.has("cursor") && !frame.path("cursor").isIntegralNumber())) {
				this.stats.violation(this.user + ": malformed frame " + frame);
			}
		}

		private String check(Expected expected, List<JsonNode> ops) {
			int errors = 0;
			int confirmations = 0;
			for (JsonNode op : ops) {
				String type = op.path("type").asString("");
				if (type.equals("error")) {
					errors++;
					this.stats.errors.increment();
					String code = op.path("code").asString("");
					if (!ERROR_CODES.contains(code)) {
						return "unknown error code " + code;
					}
					String leak = leak(op);
					if (leak != null) {
						return leak;
					}
				}
				else if (type.equals("subscribed") || type.equals("unsubscribed") || type.equals("features")) {
					confirmations++;
				}
				else if (!type.equals("resume_required")) {
					return "unexpected op " + type;
				}
			}
			if (ops.size() == 1 && "rate_limited".equals(ops.get(0).path("code").asString(""))) {
				this.stats.rateLimited.increment();
				return null;
			}
			return switch (expected.kind()) {
				case ERROR ->
					(ops.size() == 1 && errors == 1 && expected.codes().contains(ops.get(0).path("code").asString("")))
							? null : "expected exactly one error " + expected.codes();
				case NOTHING, PONG -> ops.isEmpty() ? null : "expected no op";
				case UNSUBSCRIBED,
						FEATURES ->
					(ops.size() == 1
							&& ops.get(0).path("type").asString("").equals(expected.kind().name().toLowerCase())) ? null
									: "expected exactly one " + expected.kind().name().toLowerCase();
				case SUBSCRIBED -> checkSubscribed(expected, ops, errors);
				case LENIENT -> checkLenient(ops, errors, confirmations);
				case CLOSE -> "a closing message on a long-lived connection";
			};
		}

		private String checkSubscribed(Expected expected, List<JsonNode> ops, int errors) {
			if (ops.isEmpty() || !ops.get(ops.size() - 1).path("type").asString("").equals("subscribed")) {
				return "expected subscribed last";
			}
			if (errors != expected.errors()) {
				return "expected " + expected.errors() + " errors " + expected.codes();
			}
			for (JsonNode op : ops.subList(0, ops.size() - 1)) {
				if (op.path("type").asString("").equals("error")
						&& !expected.codes().contains(op.path("code").asString(""))) {
					return "expected errors " + expected.codes();
				}
				if (op.path("type").asString("").equals("subscribed")) {
					return "expected one subscribed";
				}
			}
			return null;
		}

		private String checkLenient(List<JsonNode> ops, int errors, int confirmations) {
			for (JsonNode op : ops) {
				if (op.path("type").asString("").equals("error")
						&& !LENIENT_CODES.contains(op.path("code").asString(""))) {
					return "unexpected error code";
				}
			}
			if (confirmations > 1) {
				return "more than one confirmation";
			}
			if (confirmations == 0 && errors > 1) {
				return "more than one error";
			}
			if (confirmations == 1 && errors > 0
					&& !ops.get(ops.size() - 1).path("type").asString("").equals("subscribed")) {
				return "errors next to a confirmation that is not subscribed";
			}
			return null;
		}

		/** A message that closes its connection, sent on a fresh one. */
		private void checkClosing(Message message) {
			this.stats.freshConnections.increment();
			long start = System.nanoTime();
			try {
				checkClosingOnFreshConnection(message);
			}
			finally {
				this.stats.closingNanos.add(System.nanoTime() - start);
			}
		}

		private void checkClosingOnFreshConnection(Message message) {
			Expected expected = message.expected();
			try (TestWebSocketClient fresh = TestWebSocketClient.connect(ProtocolFuzzIntegrationTests.this.port)) {
				// Pings pipelined ahead of the closing message must still be answered
				// before the goodbye.
				int pings = 0;
				if (message.category() != Category.BEFORE_AUTH) {
					fresh.auth("token-closer", CLOSER_IDS.get(), List.of());
					pings = message.bytes().length % 3;
					this.stats.pingsBeforeClose.add(pings);
					for (int i = 0; i < pings; i++) {
						fresh.send(PING);
					}
				}
				send(fresh, message);
				int code = fresh.awaitClose().code();
				List<JsonNode> received = new ArrayList<>();
				JsonNode next;
				while ((next = fresh.poll(Duration.ZERO)) != null) {
					if (!"ping".equals(next.path("type").asString(""))) {
						received.add(next);
					}
				}
				// Closing drops what is still queued (ClientConnection#close), so a pong
				// may be lost, but
				// nothing else may come, and nothing after the goodbye.
				for (int i = 0; i < pings && !received.isEmpty()
						&& "pong".equals(received.get(0).path("type").asString("")); i++) {
					received.remove(0);
					this.stats.pongsBeforeClose.increment();
				}
				boolean goodbyeOptional = message.bytes().length > MessageFuzzer.NETTY_FRAME_LIMIT;
				boolean goodbye = received.size() == 1 && received.get(0).path("type").asString("").equals("goodbye")
						&& received.get(0).path("reason").asString("").equals(expected.reason());
				if (code != expected.closeCode() || !(goodbye || (goodbyeOptional && received.isEmpty()))) {
					this.stats.violation(
							this.user + ": expected goodbye " + expected.reason() + " and close " + expected.closeCode()
									+ ", got close " + code + " after " + received + " for " + message.describe());
				}
			}
			catch (AssertionError | RuntimeException ex) {
				this.stats.violation(this.user + ": " + ex + " for " + message.describe());
			}
		}

		private void reconnect() {
			this.client.close();
			this.client = open();
			this.pingFrames = 0;
		}

	}

	/**
	 * The well-behaved client: subscribed to a channel that the server publishes on every
	 * 10 ms, it checks that every frame arrives in order and on time, and answers pings.
	 */
	private final class Probe implements AutoCloseable {

		private final TestWebSocketClient client;

		private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();

		private final Thread reader;

		private final AtomicLong published = new AtomicLong();

		private final AtomicLong received = new AtomicLong();

		private final AtomicLong maxLatencyNanos = new AtomicLong();

		private final AtomicLong pings = new AtomicLong();

		private final AtomicLong pongs = new AtomicLong();

		private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

		private volatile boolean stopped;

		private long cursor;

		Probe() {
			this.client = TestWebSocketClient.connect(ProtocolFuzzIntegrationTests.this.port);
			JsonNode ok = this.client.auth("token-probe", null, List.of("alerts:probe"));
			this.cursor = ok.path("heads").path("alerts:probe").asLong();
			this.reader = new Thread(this::read, "fuzz-probe");
			this.reader.start();
			this.publisher.scheduleAtFixedRate(this::publish, 10, 10, TimeUnit.MILLISECONDS);
		}

		private void publish() {
			long n = this.published.incrementAndGet();
			ProtocolFuzzIntegrationTests.this.pushServer
				.publish("alerts:probe", Map.of("n", n, "sent", System.nanoTime()))
				.subscribe(null, (ex) -> this.violations.add("publish failed: " + ex));
			if (n % 10 == 0) {
				this.pings.incrementAndGet();
				this.client.send(PING);
			}
		}

		private void read() {
			while (!this.stopped) {
				JsonNode message = this.client.poll(MAX_PROBE_LATENCY);
				if (message == null) {
					if (!this.stopped) {
						this.violations.add("nothing received for " + MAX_PROBE_LATENCY);
					}
					continue;
				}
				String type = message.path("type").asString(null);
				if ("ping".equals(type)) {
					this.client.send(PONG);
				}
				else if ("pong".equals(type)) {
					this.pongs.incrementAndGet();
				}
				else if (type != null) {
					this.violations.add("unexpected op " + message);
				}
				else {
					long latency = System.nanoTime() - message.path("payload").path("sent").asLong();
					this.maxLatencyNanos.accumulateAndGet(latency, Math::max);
					long expected = this.cursor + 1;
					this.cursor = message.path("cursor").asLong();
					if (this.cursor != expected) {
						this.violations.add("expected cursor " + expected + ", got " + message);
					}
					if (latency > MAX_PROBE_LATENCY.toNanos()) {
						this.violations
							.add("frame after " + TimeUnit.NANOSECONDS.toMillis(latency) + " ms: " + message);
					}
					this.received.set(message.path("payload").path("n").asLong());
				}
			}
		}

		/** Stop publishing and wait for the last frame and pong. */
		void finish() {
			this.publisher.shutdownNow();
			await().atMost(MAX_PROBE_LATENCY)
				.until(() -> this.received.get() == this.published.get() && this.pongs.get() == this.pings.get());
		}

		@Override
		public void close() throws InterruptedException {
			this.publisher.shutdownNow();
			this.stopped = true;
			this.reader.join(MAX_PROBE_LATENCY.toMillis() * 2);
			this.client.close();
		}

	}

}

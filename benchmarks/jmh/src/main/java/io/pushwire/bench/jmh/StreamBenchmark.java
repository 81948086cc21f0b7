package io.pushwire.bench.jmh;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.ChannelName;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ResumeToken;
import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.ChannelStream;
import io.pushwire.server.stream.InMemoryChannelStreamStore;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;
import io.pushwire.server.stream.StreamPosition;

/**
 * A channel stream: append (store with the next cursor, trim the window, hand to each
 * listener) with 0 or {@code listeners} no-op listeners, and attach-with-replay of the
 * last 200 frames (a client of scenario E resuming). {@code loops} 0: the listeners are
 * called on the appending thread; 4: they are spread over four single-thread executors,
 * as connections over event loops, and each append costs the appending thread one
 * hand-off per executor.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class StreamBenchmark {

	@Param({ "0", "1000" })
	public int listeners;

	@Param({ "0", "4" })
	public int loops;

	private final List<ExecutorService> executors = new ArrayList<>();

	private InMemoryChannelStreamStore store;

	private ChannelStream stream;

	private JsonNode payload;

	@Setup(Level.Trial)
	public void setUp() {
		ProtocolCodec codec = new ProtocolCodec();
		this.payload = codec.mapper().readTree("{\"seq\":1,\"t\":1764085000123456,\"pad\":\"x\"}");
		this.store = new InMemoryChannelStreamStore(Clock.systemUTC(), Duration.ofHours(1), Schedulers.single());
		ChannelKind kind = ChannelKind.builder("bench").historySize(4096).historyTtl(Duration.ofHours(1)).build();
		this.stream = this.store.stream(ChannelName.parse("bench"), kind);
		for (int i = 0; i < 4096; i++) {
			this.stream.append(this.payload, null).block();
		}
		for (int i = 0; i < this.loops; i++) {
			this.executors.add(Executors.newSingleThreadExecutor());
		}
		for (int i = 0; i < this.listeners; i++) {
			Executor executor = this.executors.isEmpty() ? null : this.executors.get(i % this.executors.size());
			this.stream.attach(null, new NoOpListener(executor)).block();
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.store.dispose();
		this.executors.forEach(ExecutorService::shutdownNow);
	}

	@Benchmark
	public StoredFrame append() {
		return this.stream.append(this.payload, null).block();
	}

	/**
	 * What an ack checks its cursor against: answered from a completed Mono until the
	 * head moves.
	 * @return the stream's position
	 */
	@Benchmark
	public StreamPosition position() {
		return this.stream.position().block();
	}

	@Benchmark
	public void attachReplay200(Blackhole blackhole) {
		StreamPosition position = this.stream.position().block();
		Attachment attachment = this.stream
			.attach(new ResumeToken.Position(position.head() - 200, position.epoch()), new NoOpListener(null))
			.block();
		blackhole.consume(attachment.replay());
		attachment.detach().dispose();
	}

	static final class NoOpListener implements StreamListener {

		private final Executor executor;

		NoOpListener(Executor executor) {
			this.executor = executor;
		}

		@Override
		public Executor executor() {
			return this.executor;
		}

		@Override
		public void onFrame(StoredFrame frame) {
		}

		@Override
		public void onTransient(String channel, PreparedMessage frame) {
		}

	}

}

package io.pushwire.bench.jmh;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ResumeToken;
import io.pushwire.server.ChannelKind;
import io.pushwire.server.stream.Attachment;
import io.pushwire.server.stream.ChannelStream;
import io.pushwire.server.stream.InMemoryChannelStreamStore;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;
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

/**
 * A channel stream: append (store with the next cursor, trim the window, hand to each listener) with
 * 0 or {@code listeners} no-op listeners, and attach-with-replay of the last 200 frames (a client of
 * scenario E resuming).
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
		for (int i = 0; i < this.listeners; i++) {
			this.stream.attach(null, new NoOpListener()).block();
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.store.dispose();
	}

	@Benchmark
	public StoredFrame append() {
		return this.stream.append(this.payload, null).block();
	}

	@Benchmark
	public void attachReplay200(Blackhole blackhole) {
		long head = this.stream.head();
		Attachment attachment = this.stream
			.attach(new ResumeToken.Position(head - 200, this.stream.epoch()), new NoOpListener())
			.block();
		blackhole.consume(attachment.replay());
		attachment.detach().dispose();
	}

	static final class NoOpListener implements StreamListener {

		@Override
		public void onFrame(StoredFrame frame) {
		}

		@Override
		public void onTransient(String channel, byte[] json) {
		}

	}

}

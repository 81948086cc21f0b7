package io.pushwire.bench.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;

import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.stream.StoredFrame;

/**
 * Encoding a frame: every published frame is encoded once ({@link StoredFrame#json}) and
 * the bytes shared by all its deliveries, so {@code encodeFrame} is paid per message,
 * {@code storedFrameJson} (the cached read) per delivery.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CodecBenchmark {

	private ProtocolCodec codec;

	private Frame frame;

	private StoredFrame encodedOnce;

	private JsonNode payload;

	private long cursor;

	@Setup
	public void setUp() {
		this.codec = new ProtocolCodec();
		this.payload = this.codec.mapper()
			.readTree(
					"{\"seq\":1000000007,\"t\":1764085000123456,\"pad\":\"pushwire-benchmark-payload-0123456789-abcdefghijklmnopqrstuvwxyz\"}");
		this.frame = new Frame("bench", 42L, this.payload, null);
		this.encodedOnce = new StoredFrame("bench", 42, "Xb3k", this.payload, null, 0);
		this.encodedOnce.encoded(this.codec);
	}

	@Benchmark
	public byte[] encodeFrame() {
		return this.codec.encodeToUtf8(this.frame);
	}

	@Benchmark
	public byte[] storedFrameFirstJson() {
		// A new frame each time: the encoding a publish pays once.
		return new StoredFrame("bench", ++this.cursor, "Xb3k", this.payload, null, 0).encoded(this.codec);
	}

	@Benchmark
	public byte[] storedFrameCachedJson() {
		return this.encodedOnce.encoded(this.codec);
	}

}

package io.pushwire.bench.jmh;

import java.util.Map;
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

import io.pushwire.core.BinaryFormat;
import io.pushwire.core.Frame;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.WireIds;
import io.pushwire.core.ZstdBodies;

/**
 * Encoding one frame in each wire format (paid once per frame and format, then shared by
 * every connection of that format): JSON, MessagePack, CBOR, and MessagePack and CBOR
 * with a body large enough for zstd (with JSON of the same frame for comparison).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class BinaryCodecBenchmark {

	private ProtocolCodec json;

	private BinaryFormat msgpack;

	private BinaryFormat cbor;

	private Frame small;

	private Frame large;

	@Setup
	public void setUp() {
		this.json = new ProtocolCodec();
		WireIds ids = new WireIds(Map.of("bench", 1), 5);
		this.msgpack = BinaryFormat.msgpack(this.json, ids, ZstdBodies.plain());
		this.cbor = BinaryFormat.cbor(this.json, ids, ZstdBodies.plain());
		this.small = new Frame("bench", 42L, this.json.mapper()
			.readTree(
					"{\"seq\":1000000007,\"t\":1764085000123456,\"pad\":\"pushwire-benchmark-payload-0123456789-abcdefghijklmnopqrstuvwxyz\"}"),
				null);
		StringBuilder items = new StringBuilder("[");
		for (int i = 0; i < 20; i++) {
			items.append((i > 0) ? "," : "")
				.append("{\"symbol\":\"SYM")
				.append(i)
				.append("\",\"price\":")
				.append(100 + i)
				.append(".25,\"volume\":")
				.append(1000 * i)
				.append("}");
		}
		this.large = new Frame("bench", 42L, this.json.mapper().readTree(items.append("]").toString()), null);
		// The "Zstd" benchmarks measure compression only if the body reaches the
		// threshold.
		if ((this.msgpack.toBytes(this.large)[3] & BinaryFormat.FLAG_ZSTD) == 0
				|| (this.cbor.toBytes(this.large)[3] & BinaryFormat.FLAG_ZSTD) == 0) {
			throw new IllegalStateException("The large frame must be zstd-compressed in both binary formats");
		}
	}

	@Benchmark
	public byte[] json() {
		return this.json.toBytes(this.small);
	}

	@Benchmark
	public byte[] msgpack() {
		return this.msgpack.toBytes(this.small);
	}

	@Benchmark
	public byte[] cbor() {
		return this.cbor.toBytes(this.small);
	}

	@Benchmark
	public byte[] jsonLarge() {
		return this.json.toBytes(this.large);
	}

	@Benchmark
	public byte[] msgpackZstdLarge() {
		return this.msgpack.toBytes(this.large);
	}

	@Benchmark
	public byte[] cborZstdLarge() {
		return this.cbor.toBytes(this.large);
	}

}

package io.pushwire.bench.jmh;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;

import io.pushwire.core.ProtocolCodec;
import io.pushwire.server.channel.Priority;
import io.pushwire.server.connection.Delivery;
import io.pushwire.server.connection.OutboundQueue;
import io.pushwire.server.stream.StoredFrame;

/**
 * The outbound queue as a publish uses it: offer a frame (the queue drains it into its
 * subscriber when there is demand). {@code offerDrained}: the subscriber keeps
 * requesting, each offer is polled at once (a connection keeping up).
 * {@code offer32ThenDrain}: 32 frames queue while the subscriber has no demand, then one
 * request drains them (a connection whose socket was briefly full). {@code offerBatch32}:
 * a stream's batch of 32 frames queued with one call (one lock, one drain) into a writer
 * that is always ready, as an event loop hands a burst to a WebSocket connection.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class OutboundQueueBenchmark {

	private OutboundQueue unbounded;

	private OutboundQueue batched;

	private Subscription batchedSubscription;

	private OutboundQueue direct;

	private List<Object> batch;

	private StoredFrame frame;

	private Blackhole blackhole;

	@Setup
	public void setUp(Blackhole blackhole) {
		this.blackhole = blackhole;
		ProtocolCodec codec = new ProtocolCodec();
		this.frame = new StoredFrame("bench", 1, "Xb3k",
				codec.mapper().readTree("{\"seq\":1,\"t\":1764085000123456,\"pad\":\"x\"}"), null, 0);
		this.frame.encoded(codec);
		OutboundQueue.Pressure pressure = new OutboundQueue.Pressure() {
			@Override
			public void slow(long freeBytes) {
			}

			@Override
			public void full() {
			}
		};
		this.unbounded = new OutboundQueue(1 << 20, codec, pressure);
		this.unbounded.deliveries().subscribe(new Sink(Long.MAX_VALUE, null));
		this.batched = new OutboundQueue(1 << 20, codec, pressure);
		Subscription[] holder = new Subscription[1];
		this.batched.deliveries().subscribe(new Sink(0, holder));
		this.batchedSubscription = holder[0];
		this.direct = new OutboundQueue(1 << 20, codec, pressure);
		this.direct.writeTo(new OutboundQueue.Writer() {
			@Override
			public boolean ready() {
				return true;
			}

			@Override
			public void write(Delivery delivery) {
				OutboundQueueBenchmark.this.blackhole.consume(delivery);
			}

			@Override
			public void flush() {
			}

			@Override
			public void complete() {
			}
		});
		this.batch = new ArrayList<>(Collections.nCopies(32, this.frame));
	}

	@Benchmark
	@OperationsPerInvocation(32)
	public boolean offerBatch32() {
		return this.direct.offerBatch(this.batch, Priority.NORMAL);
	}

	@Benchmark
	public boolean offerDrained() {
		return this.unbounded.offerFrame(this.frame, Priority.NORMAL);
	}

	@Benchmark
	@OperationsPerInvocation(32)
	public void offer32ThenDrain() {
		for (int i = 0; i < 32; i++) {
			this.batched.offerFrame(this.frame, Priority.NORMAL);
		}
		this.batchedSubscription.request(32);
	}

	private final class Sink implements CoreSubscriber<Delivery> {

		private final long initialRequest;

		private final Subscription[] holder;

		Sink(long initialRequest, Subscription[] holder) {
			this.initialRequest = initialRequest;
			this.holder = holder;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (this.holder != null) {
				this.holder[0] = subscription;
			}
			if (this.initialRequest > 0) {
				subscription.request(this.initialRequest);
			}
		}

		@Override
		public void onNext(Delivery delivery) {
			OutboundQueueBenchmark.this.blackhole.consume(delivery);
		}

		@Override
		public void onError(Throwable error) {
		}

		@Override
		public void onComplete() {
		}

	}

}

package io.pushwire.server.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The bytes that all the streams of a store retain for replay, bounded by
 * {@code pushwire.server.max-retained-bytes}. A publisher reserves its frame's encoded
 * size before it locks its stream; past the bound it first evicts the oldest frames of
 * the streams published least recently (their resumes then get {@code resume_required},
 * PROTOCOL.md §5.2). The count is reserved before a frame is stored and released after it
 * is dropped, so the bytes held never exceed it.
 * <p>
 * Finding the streams published least recently is incremental: each search reads the next
 * {@value #SAMPLE} streams (going on from where the previous one stopped, and round
 * again), so that an eviction costs a bounded amount of work under the evictor's lock
 * however many streams the store holds; with more streams than that, the oldest of a
 * sample go first, as Redis samples its LRU.
 */
final class Retention {

	/** No bound: for streams made outside a store. */
	static final Retention UNBOUNDED = new Retention(Long.MAX_VALUE, List::of);

	/**
	 * How many times one eviction re-reads the streams when those it found were all
	 * published since.
	 */
	private static final int MAX_REBUILDS = 3;

	/** How many streams one search reads. */
	static final int SAMPLE = 1024;

	private final long max;

	private final Supplier<? extends Iterable<InMemoryChannelStream>> streams;

	private final AtomicLong retained = new AtomicLong();

	/**
	 * One evictor at a time, and the candidates it found, least recently published first.
	 */
	private final ReentrantLock evicting = new ReentrantLock();

	private final ArrayDeque<Candidate> candidates = new ArrayDeque<>();

	/**
	 * Where the last search stopped; the streams map's iterators never fail on concurrent
	 * changes.
	 */
	private @Nullable Iterator<InMemoryChannelStream> scan;

	Retention(long max, Supplier<? extends Iterable<InMemoryChannelStream>> streams) {
		this.max = max;
		this.streams = streams;
	}

	/**
	 * The bytes retained now.
	 * @return the bytes, never more than the bound
	 */
	long retained() {
		return this.retained.get();
	}

	/**
	 * Reserve room for a frame, evicting older frames of other streams (or of the
	 * caller's) when needed. Must be called without holding any stream's monitor.
	 * @param size the frame's encoded size
	 * @return {@code false} when no room could be made (the frame is larger than the
	 * bound, or every byte is held by frames being stored right now): the frame is then
	 * not kept
	 */
	boolean reserve(long size) {
		if (size > this.max) {
			return false;
		}
		while (true) {
			long now = this.retained.get();
			if (now + size <= this.max) {
				if (this.retained.compareAndSet(now, now + size)) {
					return true;
				}
			}
			else if (evict(now + size - this.max) == 0) {
				return false;
			}
		}
	}

	/**
	 * Grow a reservation without evicting (a stream's monitor is held).
	 * @param size the bytes to add
	 * @return {@code false} when that would pass the bound
	 */
	boolean tryGrow(long size) {
		while (true) {
			long now = this.retained.get();
			if (now + size > this.max) {
				return false;
			}
			if (this.retained.compareAndSet(now, now + size)) {
				return true;
			}
		}
	}

	/**
	 * Release bytes that are no longer held.
	 * @param size the bytes
	 */
	void release(long size) {
		if (size != 0) {
			this.retained.addAndGet(-size);
		}
	}

	private long evict(long needed) {
		this.evicting.lock();
		try {
			long freed = 0;
			int rebuilds = 0;
			while (freed < needed) {
				Candidate candidate = this.candidates.pollFirst();
				if (candidate == null) {
					if (rebuilds++ == MAX_REBUILDS || !rebuild()) {
						break;
					}
					continue;
				}
				if (candidate.stream().lastAppendMillis() != candidate.lastAppendMillis()) {
					// Published since it was found: no longer among the least recent.
					continue;
				}
				long evicted = candidate.stream().evictOldest(needed - freed, this);
				freed += evicted;
				if (evicted > 0 && candidate.stream().retainedBytes() > 0) {
					this.candidates.addFirst(candidate);
				}
			}
			return freed;
		}
		finally {
			this.evicting.unlock();
		}
	}

	/**
	 * Find streams that hold frames among the next {@value #SAMPLE} (more when none of
	 * those holds any, at most a round of all of them), least recently published first.
	 * The search is amortized over the evictions that use up what it found.
	 * @return {@code true} when streams holding frames were found
	 */
	private boolean rebuild() {
		List<Candidate> found = new ArrayList<>();
		Set<InMemoryChannelStream> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		int scanned = 0;
		boolean restarted = false;
		while (scanned < SAMPLE || found.isEmpty()) {
			Iterator<InMemoryChannelStream> iterator = this.scan;
			if (iterator == null || !iterator.hasNext()) {
				if (restarted) {
					break;
				}
				restarted = true;
				iterator = this.streams.get().iterator();
				this.scan = iterator;
				if (!iterator.hasNext()) {
					break;
				}
			}
			InMemoryChannelStream stream = iterator.next();
			if (!seen.add(stream)) {
				// Round again to where this search started.
				break;
			}
			scanned++;
			if (stream.retainedBytes() > 0) {
				found.add(new Candidate(stream, stream.lastAppendMillis()));
			}
		}
		found.sort(Comparator.comparingLong(Candidate::lastAppendMillis));
		this.candidates.clear();
		this.candidates.addAll(found);
		return !found.isEmpty();
	}

	private record Candidate(InMemoryChannelStream stream, long lastAppendMillis) {
	}

}

package io.pushwire.server.rtc;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ICE candidates forwarded per room and ordered pair (sender, target), so that a
 * repeated one is dropped (PROTOCOL.md §10.2). Bounded: at most {@code maxPerPair}
 * strings per pair (past it the oldest is forgotten, so a very old repeat may pass
 * again), pairs only between members of a room, forgotten when either leaves it.
 */
final class CandidateMemory {

	private final int maxPerPair;

	private final Map<String, Map<Pair, LinkedHashSet<String>>> rooms = new ConcurrentHashMap<>();

	CandidateMemory(int maxPerPair) {
		this.maxPerPair = maxPerPair;
	}

	/**
	 * Keep the candidates not forwarded before, in their order, and remember them.
	 * @param channel the room
	 * @param from the sender
	 * @param to the target
	 * @param candidates the candidates sent
	 * @return the new ones, possibly none
	 */
	List<String> fresh(String channel, String from, String to, List<String> candidates) {
		List<String> fresh = new ArrayList<>(candidates.size());
		this.rooms.compute(channel, (name, pairs) -> {
			Map<Pair, LinkedHashSet<String>> current = (pairs != null) ? pairs : new ConcurrentHashMap<>();
			LinkedHashSet<String> seen = current.computeIfAbsent(new Pair(from, to), (pair) -> new LinkedHashSet<>());
			for (String candidate : candidates) {
				if (seen.add(candidate)) {
					fresh.add(candidate);
					if (seen.size() > this.maxPerPair) {
						Iterator<String> oldest = seen.iterator();
						oldest.next();
						oldest.remove();
					}
				}
			}
			return current;
		});
		return fresh;
	}

	/**
	 * Forget the pairs of a client in a room: it left.
	 * @param channel the room
	 * @param clientId the client
	 */
	void forget(String channel, String clientId) {
		this.rooms.computeIfPresent(channel, (name, pairs) -> {
			pairs.keySet().removeIf((pair) -> pair.from().equals(clientId) || pair.to().equals(clientId));
			return pairs.isEmpty() ? null : pairs;
		});
	}

	/**
	 * How many pairs are remembered, over all rooms.
	 * @return the count
	 */
	int pairs() {
		return this.rooms.values().stream().mapToInt(Map::size).sum();
	}

	private record Pair(String from, String to) {
	}

}

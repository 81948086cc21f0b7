package io.pushwire.server.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.ConnectionAdmission;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.SessionRegistry;
import io.pushwire.server.stream.ChannelHub;
import io.pushwire.server.stream.ChannelStore;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.StoreHealth;
import io.pushwire.server.stream.StreamPosition;

/**
 * What this node is doing, for operators (the {@code pushwire} health indicator and
 * actuator endpoint): connections by transport, retained bytes, streams, the busiest
 * channels, the channel kinds, whether it accepts connections and whether its stores can
 * be reached. Counts only, never a client id or a principal. Every read is bounded: one
 * pass over this node's connections or channels, without holding their locks.
 *
 * @since 0.1.0
 */
public final class PushServerStatistics {

	/** How long a store's health check may take before it counts as unreachable. */
	static final Duration STORE_CHECK_TIMEOUT = Duration.ofSeconds(3);

	private final SessionRegistry sessions;

	private final ChannelStore store;

	private final ChannelStreamStore streams;

	private final ChannelHub hub;

	private final ChannelRegistry channels;

	private final ConnectionAdmission admission;

	/**
	 * Create the statistics of a node.
	 * @param sessions the sessions (connections on this node)
	 * @param store the channel store (checked if it implements {@link StoreHealth})
	 * @param streams the streams (retained bytes, count, positions)
	 * @param hub this node's fan-out (subscribers per channel)
	 * @param channels the channel kinds
	 * @param admission whether the node accepts connections
	 */
	public PushServerStatistics(SessionRegistry sessions, ChannelStore store, ChannelStreamStore streams,
			ChannelHub hub, ChannelRegistry channels, ConnectionAdmission admission) {
		this.sessions = sessions;
		this.store = store;
		this.streams = streams;
		this.hub = hub;
		this.channels = channels;
		this.admission = admission;
	}

	/**
	 * Whether the node accepts new connections ({@code false} while it drains for a
	 * shutdown).
	 * @return whether it accepts
	 */
	public boolean isAccepting() {
		return this.admission.isAccepting();
	}

	/**
	 * The connections on this node by transport ({@code websocket}, {@code sse}).
	 * @return the counts, by transport name in order
	 */
	public Map<String, Integer> connectionsByTransport() {
		Map<String, Integer> counts = new TreeMap<>();
		for (DefaultPushSession session : this.sessions.connected()) {
			ClientConnection connection = session.connection();
			if (connection != null) {
				counts.merge(connection.transport(), 1, Integer::sum);
			}
		}
		return counts;
	}

	/**
	 * The bytes the streams retain for replay.
	 * @return the bytes, 0 when the store does not count them
	 */
	public long retainedBytes() {
		return this.streams.retainedBytes();
	}

	/**
	 * The streams held.
	 * @return the count
	 */
	public int activeStreams() {
		return this.streams.size();
	}

	/**
	 * The declared channel kinds.
	 * @return the kinds
	 */
	public List<ChannelKind> kinds() {
		return new ArrayList<>(this.channels.kinds());
	}

	/**
	 * The channels with the most subscribers on this node, with their stream's head and
	 * epoch.
	 * @param limit how many at most
	 * @return the channels, most subscribers first
	 */
	public Mono<List<ChannelStatistics>> busiestChannels(int limit) {
		return Flux.fromIterable(this.hub.busiest(limit))
			.concatMap((activity) -> this.streams.position(activity.channel())
				.map((position) -> new ChannelStatistics(activity.channel(), activity.subscribers(), position))
				.defaultIfEmpty(new ChannelStatistics(activity.channel(), activity.subscribers(), null)))
			.collectList();
	}

	/**
	 * Check the stores that can be unreachable ({@link StoreHealth}): the channel store
	 * and the session registry.
	 * @return the first unreachable store's result, or a reachable one
	 */
	public Mono<StoreHealth.Check> checkStores() {
		List<Mono<StoreHealth.Check>> checks = new ArrayList<>(2);
		addCheck(checks, this.store, "channel store");
		addCheck(checks, this.sessions, "session registry");
		return Flux.concat(checks).filter((check) -> !check.reachable()).next().defaultIfEmpty(StoreHealth.Check.ok());
	}

	private static void addCheck(List<Mono<StoreHealth.Check>> checks, Object candidate, String name) {
		if (candidate instanceof StoreHealth health) {
			checks.add(Mono.defer(health::checkHealth)
				.timeout(STORE_CHECK_TIMEOUT)
				.onErrorResume((ex) -> Mono
					.just(StoreHealth.Check.failed(name + " check failed: " + ex.getClass().getSimpleName())))
				.map((check) -> check.reachable() ? check : StoreHealth.Check.failed(name + ": " + check.detail())));
		}
	}

	/**
	 * A busy channel.
	 *
	 * @param channel the channel name
	 * @param subscribers its subscribers on this node
	 * @param position its stream's epoch and head, or {@code null} when it has no stream
	 * @since 0.1.0
	 */
	public record ChannelStatistics(String channel, int subscribers, @Nullable StreamPosition position) {

	}

}

package io.pushwire.autoconfigure.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import reactor.core.publisher.Mono;

import io.pushwire.server.channel.ChannelKind;
import io.pushwire.server.support.PushServerStatistics;

/**
 * The {@code pushwire} endpoint ({@code /actuator/pushwire}): the channel kinds with
 * their settings, the busiest channels of this node (at most {@link #BUSIEST_CHANNELS},
 * by subscribers) with their head cursor and epoch, connections by transport, retained
 * bytes and streams. Channel names are shown, client ids and principals never.
 *
 * @since 0.1.0
 */
@Endpoint(id = "pushwire")
public class PushwireEndpoint {

	/** How many channels the endpoint lists at most. */
	public static final int BUSIEST_CHANNELS = 20;

	private final PushServerStatistics statistics;

	/**
	 * Create the endpoint.
	 * @param statistics the node's statistics
	 */
	public PushwireEndpoint(PushServerStatistics statistics) {
		this.statistics = statistics;
	}

	/**
	 * Describe this node.
	 * @return the description
	 */
	@ReadOperation
	public Mono<PushwireDescriptor> pushwire() {
		return this.statistics.busiestChannels(BUSIEST_CHANNELS).map((busiest) -> {
			List<KindDescriptor> kinds = new ArrayList<>();
			for (ChannelKind kind : this.statistics.kinds()) {
				kinds.add(KindDescriptor.of(kind));
			}
			List<ChannelDescriptor> channels = new ArrayList<>(busiest.size());
			for (PushServerStatistics.ChannelStatistics channel : busiest) {
				channels.add(new ChannelDescriptor(channel.channel(), channel.subscribers(),
						(channel.position() != null) ? channel.position().head() : null,
						(channel.position() != null) ? channel.position().epoch() : null));
			}
			Map<String, Integer> connections = this.statistics.connectionsByTransport();
			int total = connections.values().stream().mapToInt(Integer::intValue).sum();
			return new PushwireDescriptor(this.statistics.isAccepting(), new ConnectionsDescriptor(total, connections),
					this.statistics.retainedBytes(), this.statistics.activeStreams(), kinds, channels);
		});
	}

	/**
	 * What the endpoint answers.
	 *
	 * @param accepting whether the node accepts new connections ({@code false} while it
	 * drains)
	 * @param connections the connections on this node
	 * @param retainedBytes the bytes the streams retain for replay
	 * @param activeStreams the streams held
	 * @param kinds the channel kinds
	 * @param busiestChannels the busiest channels, most subscribers first
	 */
	public record PushwireDescriptor(boolean accepting, ConnectionsDescriptor connections, long retainedBytes,
			int activeStreams, List<KindDescriptor> kinds, List<ChannelDescriptor> busiestChannels) {

	}

	/**
	 * Connections on this node.
	 *
	 * @param total all of them
	 * @param byTransport by transport ({@code websocket}, {@code sse})
	 */
	public record ConnectionsDescriptor(int total, Map<String, Integer> byTransport) {

	}

	/**
	 * A channel kind and its settings.
	 *
	 * @param name the kind's name
	 * @param priority its delivery priority
	 * @param historySize frames kept for replay per channel
	 * @param historyTtl how long they are kept
	 * @param presence whether presence can be queried
	 * @param joinLeave whether joins and leaves are announced
	 * @param subscribe who may subscribe
	 * @param publish who may publish
	 */
	public record KindDescriptor(String name, String priority, int historySize, String historyTtl, boolean presence,
			boolean joinLeave, String subscribe, String publish) {

		static KindDescriptor of(ChannelKind kind) {
			return new KindDescriptor(kind.name(), kind.priority().name().toLowerCase(java.util.Locale.ROOT),
					kind.historySize(), kind.historyTtl().toString(), kind.presence(), kind.joinLeave(),
					kind.subscribe().toString(), kind.publish().toString());
		}

	}

	/**
	 * A busy channel.
	 *
	 * @param channel the channel name
	 * @param subscribers its subscribers on this node
	 * @param head its stream's newest cursor, or {@code null} without a stream
	 * @param epoch its stream's epoch, or {@code null} without a stream
	 */
	public record ChannelDescriptor(String channel, int subscribers, @Nullable Long head, @Nullable String epoch) {

	}

}

package io.pushwire.server.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

import io.pushwire.core.SystemOp;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.PresenceRegistry;
import io.pushwire.server.connection.PresenceReplica;

/**
 * Presence shared by every node on one Redis (PROTOCOL.md §12, §13).
 * <p>
 * The members of a channel are the hash {@code pushwire:presence:{<channel>}}: client id
 * to the node that holds the membership and the principal's name. A client joins
 * cluster-wide when its field is created and leaves when the node that holds it removes
 * it (a node whose connection was replaced by one on another node no longer holds it, so
 * its late leave changes nothing). Joins and leaves are broadcast to every node through
 * {@link RedisNodeDirectory}, and each node announces them to its own members of the
 * channel. Each node lists what it holds in {@code pushwire:node-presence:{<node>}}, so
 * that the node that reaps a dead one removes its memberships and announces their
 * {@code leave}s; until then, {@link #members} leaves out the members held by nodes
 * without a lease.
 *
 * @since 0.1.0
 */
public final class RedisPresenceReplica implements PresenceReplica {

	private static final String UNAVAILABLE_MESSAGE = "Presence (Redis) cannot be reached; try again later";

	private static final Log logger = LogFactory.getLog(RedisPresenceReplica.class);

	private static final String JOIN = "join";

	private static final String LEAVE = "leave";

	private static final RedisScript<Long> ADD = RedisScript.of("""
			local old = redis.call('HGET', KEYS[1], ARGV[1])
			redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '\\t' .. ARGV[3])
			if old then return 0 end
			return 1
			""", Long.class);

	/**
	 * Removes a membership if the node holds it and, for a kind with join-leave,
	 * publishes the leave in the same script: a node that stops right after cannot remove
	 * a member without announcing it.
	 */
	private static final RedisScript<Long> REMOVE = RedisScript.of("""
			local value = redis.call('HGET', KEYS[1], ARGV[1])
			local prefix = ARGV[2] .. '\\t'
			if value and string.sub(value, 1, #prefix) == prefix then
			  redis.call('HDEL', KEYS[1], ARGV[1])
			  if ARGV[3] == '1' then
			    redis.call('PUBLISH', ARGV[4], 'leave\\n' .. ARGV[5] .. '\\n' .. ARGV[1] .. '\\n'
			        .. string.sub(value, #prefix + 1))
			  end
			  return 1
			end
			return 0
			""", Long.class);

	private final RedisNodeDirectory directory;

	private final ReactiveStringRedisTemplate redis;

	private final ChannelRegistry channels;

	private final Duration timeout;

	/** Joins recorded and not announced yet, by channel and client. */
	private final Map<String, Mono<Boolean>> pending = new ConcurrentHashMap<>();

	private volatile @Nullable PresenceRegistry registry;

	/**
	 * Create the replica of this node and register its handlers and reaper with the
	 * directory; {@link #deliverTo} names the registry that announces.
	 * @param directory this node among the others
	 * @param channels the channel kinds (which announce joins and leaves)
	 */
	public RedisPresenceReplica(RedisNodeDirectory directory, ChannelRegistry channels) {
		this.directory = directory;
		this.redis = directory.redis();
		this.channels = channels;
		this.timeout = directory.ttl();
		directory.onMessage(JOIN, (lines) -> deliver(new SystemOp.Join(lines[1], lines[2], lines[3])));
		directory.onMessage(LEAVE, (lines) -> deliver(new SystemOp.Leave(lines[1], lines[2], lines[3])));
		directory.addReaper(this::reap);
		directory.preload(ADD, REMOVE);
	}

	/**
	 * Name the registry of this node, which announces the joins and leaves.
	 * @param registry the registry
	 */
	public void deliverTo(PresenceRegistry registry) {
		this.registry = registry;
	}

	static String presenceKey(String channel) {
		return "pushwire:presence:{" + channel + "}";
	}

	static String nodePresenceKey(String node) {
		return "pushwire:node-presence:{" + node + "}";
	}

	@Override
	public void added(String channel, String clientId, String user) {
		String node = this.directory.nodeId();
		Mono<Boolean> recorded = this.redis.execute(ADD, List.of(presenceKey(channel)), List.of(clientId, node, user))
			.next()
			.flatMap((created) -> this.redis.opsForSet()
				.add(nodePresenceKey(node), membership(channel, clientId))
				.thenReturn(created == 1))
			.timeout(this.timeout)
			.onErrorResume((ex) -> {
				logger.warn("Could not record in Redis that client " + clientId + " joined " + channel, ex);
				return Mono.just(false);
			})
			.cache();
		if (announces(channel)) {
			this.pending.put(membership(channel, clientId), recorded);
		}
		recorded.subscribe();
	}

	@Override
	public void announceJoin(String channel, String clientId, String user) {
		Mono<Boolean> recorded = this.pending.remove(membership(channel, clientId));
		if (recorded == null) {
			return;
		}
		recorded.filter(Boolean::booleanValue)
			.flatMap((joined) -> this.directory.broadcast(JOIN, channel, clientId, user))
			.subscribe(null,
					(ex) -> logger.warn("Could not announce that client " + clientId + " joined " + channel, ex));
	}

	@Override
	public void removed(String channel, String clientId, String user, boolean announce) {
		this.pending.remove(membership(channel, clientId));
		remove(this.directory.nodeId(), channel, clientId, announce).subscribe(null,
				(ex) -> logger.warn("Could not record in Redis that client " + clientId + " left " + channel
						+ "; it is removed when this node's lease runs out", ex));
	}

	private Mono<Void> remove(String node, String channel, String clientId, boolean announce) {
		return this.redis
			.execute(REMOVE, List.of(presenceKey(channel)),
					List.of(clientId, node, announce ? "1" : "0", RedisNodeDirectory.BROADCAST, channel))
			.then(this.redis.opsForSet().remove(nodePresenceKey(node), membership(channel, clientId)))
			.then()
			.transform((command) -> RedisFailures.bounded(command, this.timeout, UNAVAILABLE_MESSAGE));
	}

	@Override
	public Mono<List<SystemOp.PresenceEntry>> members(String channel) {
		return this.redis.<String, String>opsForHash().entries(presenceKey(channel)).collectList().map((entries) -> {
			List<SystemOp.PresenceEntry> members = new ArrayList<>(entries.size());
			for (Map.Entry<String, String> entry : entries) {
				int tab = entry.getValue().indexOf('\t');
				if (tab > 0 && this.directory.isAlive(entry.getValue().substring(0, tab))) {
					members.add(new SystemOp.PresenceEntry(entry.getKey(), entry.getValue().substring(tab + 1)));
				}
			}
			return members;
		}).transform((command) -> RedisFailures.bounded(command, this.timeout, UNAVAILABLE_MESSAGE));
	}

	/**
	 * Remove the memberships a node held (it died, or it stops) and announce their
	 * leaves.
	 * @param node the node
	 * @return completes when done
	 */
	private Mono<Void> reap(String node) {
		String key = nodePresenceKey(node);
		return this.redis.opsForSet().scan(key).concatMap((membership) -> {
			int tab = membership.indexOf('\t');
			String channel = membership.substring(0, tab);
			return remove(node, channel, membership.substring(tab + 1), announces(channel));
		}).then(this.redis.delete(key)).then();
	}

	private boolean announces(String channel) {
		try {
			return this.channels.resolve(channel).kind().joinLeave();
		}
		catch (RuntimeException ex) {
			// A kind no longer declared (another node's configuration).
			return false;
		}
	}

	private void deliver(SystemOp op) {
		PresenceRegistry target = this.registry;
		if (target != null) {
			target.deliver(op);
		}
	}

	private static String membership(String channel, String clientId) {
		return channel + "\t" + clientId;
	}

}

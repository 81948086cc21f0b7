package io.pushwire.server.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.pushwire.core.CloseReason;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolCodec;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.PushMessage;
import io.pushwire.core.ResumeToken;
import io.pushwire.security.AnonymousPrincipal;
import io.pushwire.server.PushSession;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.ClientConnection;
import io.pushwire.server.connection.DefaultPushSession;
import io.pushwire.server.connection.SessionRegistry;

/**
 * A {@link SessionRegistry} shared by every node on one Redis (PROTOCOL.md §7, §13).
 * <p>
 * A session is the hash {@code pushwire:session:{<client id>}}: its principal, the
 * SHA-256 of an anonymous session's secret, the node and attachment its connection is on
 * now (empty when detached) and one field per acknowledged channel. It has no expiry
 * while a connection is attached and expires {@code session-ttl} after it detaches (key
 * expiry); a node that dies leaves its sessions attached until another node reaps it
 * ({@link RedisNodeDirectory}), which detaches them then. Attaching checks the principal
 * and secret and moves the session to this node in one script, so the binding of a client
 * id to its principal holds cluster-wide (4003 on any node), and a connection on another
 * node is told to close with 4009 through that node's control channel.
 * <p>
 * The sessions of a principal are the sorted set {@code pushwire:principal:{<name>}}:
 * connected ones with the score {@code +inf}, detached ones with the time they detached.
 * One script on it bounds both {@code max-sessions-per-principal} (dropping the oldest
 * detached session) and {@code max-connections-per-principal} across nodes (a client id
 * has one connection cluster-wide, so the connected sessions are the connections). The
 * count is exact, except that a dead node's connections count until it is reaped
 * ({@code node-ttl} + {@code node-heartbeat}). Anonymous principals hold their one
 * session and are not indexed.
 * <p>
 * This node keeps its own view of the sessions whose connection is (or was last) here,
 * for {@link #local}; a view of a detached session goes after {@code session-ttl}.
 *
 * @since 0.1.0
 */
public final class RedisSessionRegistry implements SessionRegistry, Disposable {

	private static final Log logger = LogFactory.getLog(RedisSessionRegistry.class);

	private static final String REPLACE = "replace";

	private static final String SEND = "send";

	private static final RedisScript<String> ATTACH = RedisScript.of("""
			local h = redis.call('HMGET', KEYS[1], 'p', 's', 'n', 'c')
			if h[1] then
			  if h[1] ~= ARGV[1] then return 'principal' end
			  if h[2] and h[2] ~= ARGV[2] then return 'secret' end
			  redis.call('HSET', KEYS[1], 'n', ARGV[4], 'c', ARGV[5])
			  redis.call('PERSIST', KEYS[1])
			  local out = {'ok', '0', h[3] or '', h[4] or ''}
			  local all = redis.call('HGETALL', KEYS[1])
			  for i = 1, #all, 2 do
			    if string.sub(all[i], 1, 2) == 'a:' then
			      table.insert(out, string.sub(all[i], 3))
			      table.insert(out, all[i + 1])
			    end
			  end
			  return table.concat(out, '\\n')
			end
			redis.call('HSET', KEYS[1], 'p', ARGV[1], 'n', ARGV[4], 'c', ARGV[5])
			if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 's', ARGV[3]) end
			return 'ok\\n1\\n\\n'
			""", String.class);

	private static final RedisScript<Long> UNDO = RedisScript.of("""
			if redis.call('HGET', KEYS[1], 'n') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'c') ~= ARGV[2] then
			  return 0
			end
			if ARGV[3] == '1' then
			  redis.call('DEL', KEYS[1])
			  return 1
			end
			redis.call('HSET', KEYS[1], 'n', ARGV[4], 'c', ARGV[5])
			if ARGV[4] == '' then redis.call('PEXPIRE', KEYS[1], ARGV[6]) end
			return 1
			""", Long.class);

	private static final RedisScript<String> DETACH = RedisScript.of("""
			if redis.call('HGET', KEYS[1], 'n') == ARGV[1]
			    and (ARGV[2] == '' or redis.call('HGET', KEYS[1], 'c') == ARGV[2]) then
			  redis.call('HSET', KEYS[1], 'n', '')
			  redis.call('PEXPIRE', KEYS[1], ARGV[3])
			  return redis.call('HGET', KEYS[1], 'p')
			end
			return ''
			""", String.class);

	private static final String NOW = """
			local t = redis.call('TIME')
			local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
			redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[2])))
			""";

	private static final RedisScript<String> LIMIT = RedisScript.of(NOW + """
			local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
			if score == 'inf' then return 'ok\\n' end
			if redis.call('ZCOUNT', KEYS[1], '+inf', '+inf') >= tonumber(ARGV[4]) then return 'connections' end
			local dropped = ''
			if not score and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
			  local oldest = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(+inf', 'LIMIT', 0, 1)
			  if #oldest == 0 then return 'sessions' end
			  dropped = oldest[1]
			  redis.call('ZREM', KEYS[1], dropped)
			end
			redis.call('ZADD', KEYS[1], '+inf', ARGV[1])
			redis.call('PERSIST', KEYS[1])
			return 'ok\\n' .. dropped
			""", String.class);

	private static final RedisScript<Long> PRINCIPAL_DETACHED = RedisScript.of(NOW + """
			if redis.call('ZSCORE', KEYS[1], ARGV[1]) then redis.call('ZADD', KEYS[1], now, ARGV[1]) end
			if redis.call('ZCOUNT', KEYS[1], '+inf', '+inf') == 0 then
			  if redis.call('ZCARD', KEYS[1]) == 0 then
			    redis.call('DEL', KEYS[1])
			  else
			    redis.call('PEXPIRE', KEYS[1], math.floor(tonumber(ARGV[2]) / 1000))
			  end
			end
			return 1
			""", Long.class);

	private static final RedisScript<Long> COUNT = RedisScript.of(NOW + """
			return redis.call('ZCARD', KEYS[1])
			""", Long.class);

	private static final RedisScript<Long> DROP = RedisScript.of("""
			local n = redis.call('HGET', KEYS[1], 'n')
			if not n or n == '' then
			  redis.call('DEL', KEYS[1])
			  return 1
			end
			return 0
			""", Long.class);

	private static final RedisScript<Long> ACK = RedisScript.of(
			"""
					if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
					local old = redis.call('HGET', KEYS[1], ARGV[1])
					if old then
					  local space = string.find(old, ' ', 1, true)
					  if string.sub(old, space + 1) == ARGV[3] and tonumber(string.sub(old, 1, space - 1)) >= tonumber(ARGV[2]) then
					    return 0
					  end
					end
					redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
					return 1
					""",
			Long.class);

	private final RedisNodeDirectory directory;

	private final ReactiveStringRedisTemplate redis;

	private final ChannelRegistry channels;

	private final ProtocolCodec codec;

	private final Duration ttl;

	private final int maxSessionsPerPrincipal;

	private final int maxConnectionsPerPrincipal;

	private final Duration timeout;

	private final AtomicLong attachments = new AtomicLong();

	private final Map<String, Local> locals = new ConcurrentHashMap<>();

	private final Disposable sweeper;

	/**
	 * Create the registry of this node and register its handlers and reaper with the
	 * directory.
	 * @param directory this node among the others
	 * @param channels the channel kinds (the priority of frames sent to one client)
	 * @param codec the protocol codec (frames sent to a client on another node)
	 * @param ttl how long a session outlives its connection ({@code session-ttl})
	 * @param maxSessionsPerPrincipal most sessions one principal may hold
	 * @param maxConnectionsPerPrincipal most connections one principal may hold on all
	 * nodes together
	 */
	public RedisSessionRegistry(RedisNodeDirectory directory, ChannelRegistry channels, ProtocolCodec codec,
			Duration ttl, int maxSessionsPerPrincipal, int maxConnectionsPerPrincipal) {
		this(directory, channels, codec, ttl, maxSessionsPerPrincipal, maxConnectionsPerPrincipal,
				Schedulers.parallel());
	}

	/**
	 * Create the registry of this node and register its handlers and reaper with the
	 * directory.
	 * @param directory this node among the others
	 * @param channels the channel kinds (the priority of frames sent to one client)
	 * @param codec the protocol codec (frames sent to a client on another node)
	 * @param ttl how long a session outlives its connection ({@code session-ttl})
	 * @param maxSessionsPerPrincipal most sessions one principal may hold
	 * @param maxConnectionsPerPrincipal most connections one principal may hold on all
	 * nodes together
	 * @param scheduler the scheduler of the sweep of this node's views
	 */
	public RedisSessionRegistry(RedisNodeDirectory directory, ChannelRegistry channels, ProtocolCodec codec,
			Duration ttl, int maxSessionsPerPrincipal, int maxConnectionsPerPrincipal, Scheduler scheduler) {
		if (maxSessionsPerPrincipal < 1) {
			throw new IllegalArgumentException(
					"pushwire.server.max-sessions-per-principal must be at least 1, not " + maxSessionsPerPrincipal);
		}
		if (ttl.toMillis() < 1) {
			throw new IllegalArgumentException("pushwire.server.session-ttl must be at least 1ms, not " + ttl);
		}
		this.directory = directory;
		this.redis = directory.redis();
		this.channels = channels;
		this.codec = codec;
		this.ttl = ttl;
		this.maxSessionsPerPrincipal = maxSessionsPerPrincipal;
		this.maxConnectionsPerPrincipal = maxConnectionsPerPrincipal;
		this.timeout = directory.ttl();
		directory.onMessage(REPLACE, this::replaced);
		directory.onMessage(SEND, this::received);
		directory.addReaper(this::reap);
		directory.preload(ATTACH, UNDO, DETACH, LIMIT, PRINCIPAL_DETACHED, COUNT, DROP, ACK);
		long period = Math.max(1000, Math.min(ttl.toMillis() / 2, 30_000));
		this.sweeper = scheduler.schedulePeriodically(this::sweep, period, period, TimeUnit.MILLISECONDS);
	}

	static String sessionKey(String clientId) {
		return "pushwire:session:{" + clientId + "}";
	}

	static String principalKey(String name) {
		return "pushwire:principal:{" + name + "}";
	}

	static String nodeSessionsKey(String node) {
		return "pushwire:node-sessions:{" + node + "}";
	}

	@Override
	public Mono<Attached> attach(String clientId, Principal principal, ClientConnection connection,
			@Nullable String sessionSecret) {
		DefaultPushSession candidate = DefaultPushSession.create(clientId, principal);
		String newSecret = candidate.secret();
		String serial = Long.toString(this.attachments.incrementAndGet());
		String node = this.directory.nodeId();
		return this.redis
			.execute(ATTACH, List.of(sessionKey(clientId)), List.of(principal.getName(), hash(sessionSecret),
					(newSecret != null) ? hash(newSecret) : "", node, serial))
			.next()
			.flatMap((reply) -> {
				String[] lines = reply.split("\n", -1);
				if (!"ok".equals(lines[0])) {
					return Mono.error(forbidden(clientId, lines[0]));
				}
				boolean created = "1".equals(lines[1]);
				String previousNode = lines[2];
				String previousSerial = lines[3];
				Map<String, ResumeToken.Position> acks = parseAcks(lines, 4);
				return limit(clientId, candidate).flatMap((limited) -> {
					String[] result = limited.split("\n", -1);
					if (!"ok".equals(result[0])) {
						return this.redis
							.execute(UNDO, List.of(sessionKey(clientId)),
									List.of(node, serial, created ? "1" : "0", previousNode, previousSerial,
											Long.toString(this.ttl.toMillis())))
							.then(Mono.error(rateLimited(result[0])));
					}
					String dropped = (result.length > 1) ? result[1] : "";
					return drop(dropped).then(this.redis.opsForSet().add(nodeSessionsKey(node), clientId))
						.then(replaceElsewhere(clientId, previousNode, previousSerial))
						.then(Mono.fromSupplier(() -> bind(clientId, principal, connection, candidate, created,
								Long.parseLong(serial), acks)));
				});
			})
			.transform(this::bounded);
	}

	private Mono<String> limit(String clientId, DefaultPushSession candidate) {
		if (candidate.isAnonymous()) {
			return Mono.just("ok\n");
		}
		return this.redis.execute(LIMIT, List.of(principalKey(candidate.principalName())),
				List.of(clientId, Long.toString(this.ttl.toMillis()), Integer.toString(this.maxSessionsPerPrincipal),
						Integer.toString(this.maxConnectionsPerPrincipal)))
			.next();
	}

	private ProtocolException rateLimited(String reason) {
		if ("connections".equals(reason)) {
			return new ProtocolException(ErrorCode.RATE_LIMITED, "Too many connections for this principal (at most "
					+ this.maxConnectionsPerPrincipal + " on all nodes together); close one first");
		}
		return new ProtocolException(ErrorCode.RATE_LIMITED, "Too many sessions for this principal (at most "
				+ this.maxSessionsPerPrincipal + ", all connected); close one first");
	}

	private static ProtocolException forbidden(String clientId, String reason) {
		if ("secret".equals(reason)) {
			return new ProtocolException(ErrorCode.FORBIDDEN, "Client id " + clientId
					+ " names an anonymous session: present the session_secret of its first auth_ok");
		}
		return new ProtocolException(ErrorCode.FORBIDDEN,
				"Client id " + clientId + " belongs to another principal; use a client id of your own");
	}

	private Mono<Void> drop(String clientId) {
		if (clientId.isEmpty()) {
			return Mono.empty();
		}
		return this.redis.execute(DROP, List.of(sessionKey(clientId)), List.of())
			.then(Mono.fromRunnable(() -> this.locals.computeIfPresent(clientId,
					(id, local) -> local.session.isConnected() ? local : null)));
	}

	private Mono<Void> replaceElsewhere(String clientId, String previousNode, String previousSerial) {
		if (previousNode.isEmpty() || previousNode.equals(this.directory.nodeId())) {
			return Mono.empty();
		}
		return this.directory.send(previousNode, REPLACE, clientId, previousSerial).onErrorResume((ex) -> {
			logger.warn("Could not tell node " + previousNode + " that client " + clientId + " connected elsewhere",
					ex);
			return Mono.empty();
		}).then();
	}

	private Attached bind(String clientId, Principal principal, ClientConnection connection,
			DefaultPushSession candidate, boolean created, long serial, Map<String, ResumeToken.Position> acks) {
		ClientConnection[] replaced = new ClientConnection[1];
		Local bound = this.locals.compute(clientId, (id, current) -> {
			Local target = current;
			if (current == null || created || !current.session.principalName().equals(principal.getName())) {
				target = new Local(candidate);
				if (current != null) {
					// Redis lost the session this node held: its connection is replaced
					// all the same.
					replaced[0] = current.session.connection();
				}
			}
			target.serial = serial;
			ClientConnection previous = target.session.attach(connection, principal);
			if (previous != null) {
				replaced[0] = previous;
			}
			return target;
		});
		acks.forEach((channel, position) -> bound.session.acknowledge(channel, position.cursor(), position.epoch()));
		return new Attached(bound.session, replaced[0], created ? bound.session.secret() : null);
	}

	private static Map<String, ResumeToken.Position> parseAcks(String[] lines, int from) {
		Map<String, ResumeToken.Position> acks = new HashMap<>();
		for (int i = from; i + 1 < lines.length; i += 2) {
			ResumeToken.Position position = parsePosition(lines[i + 1]);
			if (position != null) {
				acks.put(lines[i], position);
			}
		}
		return acks;
	}

	private static ResumeToken.@Nullable Position parsePosition(@Nullable String value) {
		if (value == null) {
			return null;
		}
		int space = value.indexOf(' ');
		if (space < 1) {
			return null;
		}
		try {
			return new ResumeToken.Position(Long.parseLong(value.substring(0, space)), value.substring(space + 1));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	@Override
	public Mono<DefaultPushSession> require(String clientId, Principal principal, @Nullable String sessionSecret) {
		return this.redis.<String, String>opsForHash()
			.multiGet(sessionKey(clientId), List.of("p", "s"))
			.flatMap((fields) -> {
				String owner = fields.get(0);
				String secret = fields.get(1);
				if (owner == null) {
					return Mono.error(new ProtocolException(ErrorCode.NOT_CONNECTED, "No session for client id "
							+ clientId + "; connect first (sessions expire after their TTL)"));
				}
				if (!owner.equals(principal.getName())) {
					return Mono.error(forbidden(clientId, "principal"));
				}
				if (secret != null && !MessageDigest.isEqual(secret.getBytes(StandardCharsets.US_ASCII),
						hash(sessionSecret).getBytes(StandardCharsets.US_ASCII))) {
					return Mono.error(forbidden(clientId, "secret"));
				}
				Local local = this.locals.computeIfAbsent(clientId,
						(id) -> new Local(DefaultPushSession.create(id, principal)));
				return Mono.just(local.session);
			})
			.transform(this::bounded);
	}

	@Override
	public Mono<DefaultPushSession> find(String clientId) {
		Local local = this.locals.get(clientId);
		if (local != null) {
			return Mono.just(local.session);
		}
		return this.redis.<String, String>opsForHash()
			.entries(sessionKey(clientId))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue)
			.flatMap((fields) -> {
				String owner = fields.get("p");
				if (owner == null) {
					return Mono.empty();
				}
				DefaultPushSession view = DefaultPushSession.create(clientId, principalNamed(clientId, owner));
				fields.forEach((field, value) -> {
					ResumeToken.Position position = parsePosition(value);
					if (field.startsWith("a:") && position != null) {
						view.acknowledge(field.substring(2), position.cursor(), position.epoch());
					}
				});
				return Mono.just(view);
			})
			.transform(this::bounded);
	}

	private static Principal principalNamed(String clientId, String name) {
		if (name.equals(AnonymousPrincipal.PREFIX + clientId)) {
			return AnonymousPrincipal.forClient(clientId);
		}
		return new NamedPrincipal(name);
	}

	@Override
	public @Nullable DefaultPushSession local(String clientId) {
		Local local = this.locals.get(clientId);
		return (local != null) ? local.session : null;
	}

	@Override
	public Mono<Void> acknowledge(DefaultPushSession session, String channel, long cursor, String epoch) {
		session.acknowledge(channel, cursor, epoch);
		return this.redis
			.execute(ACK, List.of(sessionKey(session.clientId())),
					List.of("a:" + channel, Long.toString(cursor), epoch))
			.then()
			.transform(this::bounded);
	}

	@Override
	public Mono<ResumeToken.Position> acknowledged(DefaultPushSession session, String channel) {
		return this.redis.<String, String>opsForHash()
			.get(sessionKey(session.clientId()), "a:" + channel)
			.mapNotNull(RedisSessionRegistry::parsePosition)
			.transform(this::bounded);
	}

	@Override
	public Mono<Integer> sessionCount(String principalName) {
		if (principalName.startsWith(AnonymousPrincipal.PREFIX)) {
			String clientId = principalName.substring(AnonymousPrincipal.PREFIX.length());
			return this.redis.<String, String>opsForHash()
				.get(sessionKey(clientId), "p")
				.map((owner) -> owner.equals(principalName) ? 1 : 0)
				.defaultIfEmpty(0)
				.transform(this::bounded);
		}
		return this.redis.execute(COUNT, List.of(principalKey(principalName)), List.of("", ttlMicros()))
			.next()
			.map(Long::intValue)
			.defaultIfEmpty(0)
			.transform(this::bounded);
	}

	@Override
	public void detach(DefaultPushSession session, ClientConnection connection) {
		Local local = this.locals.get(session.clientId());
		long serial = (local != null && local.session == session) ? local.serial : -1;
		if (!session.detach(connection) || serial < 0) {
			return;
		}
		// Sent at once, in order on the shared connection: an attach that follows is
		// counted after it.
		String clientId = session.clientId();
		String node = this.directory.nodeId();
		Mono<String> detached = this.redis
			.execute(DETACH, List.of(sessionKey(clientId)),
					List.of(node, Long.toString(serial), Long.toString(this.ttl.toMillis())))
			.next();
		Mono<Long> untracked = this.redis.opsForSet().remove(nodeSessionsKey(node), clientId);
		Mono<Long> uncounted = session.isAnonymous() ? Mono.empty()
				: this.redis
					.execute(PRINCIPAL_DETACHED, List.of(principalKey(session.principalName())),
							List.of(clientId, ttlMicros()))
					.next();
		Mono.when(detached, untracked, uncounted)
			.timeout(this.timeout)
			.subscribe(null, (ex) -> logger.warn("Could not detach the session of client " + clientId
					+ " in Redis; it is detached when this node's lease runs out", ex));
	}

	private String ttlMicros() {
		return Long.toString(this.ttl.toNanos() / 1000);
	}

	private Mono<Void> detachInRedis(String node, String clientId, String serial) {
		String ttlMillis = Long.toString(this.ttl.toMillis());
		return this.redis.execute(DETACH, List.of(sessionKey(clientId)), List.of(node, serial, ttlMillis))
			.next()
			.flatMap((owner) -> {
				Mono<Long> untracked = this.redis.opsForSet().remove(nodeSessionsKey(node), clientId);
				if (owner.isEmpty() || owner.startsWith(AnonymousPrincipal.PREFIX)) {
					return untracked.then();
				}
				return untracked.then(this.redis
					.execute(PRINCIPAL_DETACHED, List.of(principalKey(owner)), List.of(clientId, ttlMicros()))
					.then());
			})
			.transform(this::bounded);
	}

	/**
	 * Detach the sessions a node left attached (it died, or it stops).
	 * @param node the node
	 * @return completes when done
	 */
	private Mono<Void> reap(String node) {
		String key = nodeSessionsKey(node);
		return this.redis.opsForSet()
			.scan(key)
			.concatMap((clientId) -> detachInRedis(node, clientId, ""))
			.then(this.redis.delete(key))
			.then();
	}

	@Override
	public Mono<Boolean> forward(String clientId, Frame frame) {
		return this.redis.<String, String>opsForHash().get(sessionKey(clientId), "n").flatMap((node) -> {
			if (node.isEmpty() || node.equals(this.directory.nodeId()) || !this.directory.isAlive(node)) {
				return Mono.just(false);
			}
			return this.directory.send(node, SEND, clientId, this.codec.encode(frame));
		}).defaultIfEmpty(false).timeout(this.timeout);
	}

	private void replaced(String[] message) {
		String clientId = message[1];
		long serial = Long.parseLong(message[2]);
		Local local = this.locals.get(clientId);
		if (local == null || local.serial != serial) {
			return;
		}
		ClientConnection connection = local.session.connection();
		if (connection != null) {
			connection.close(CloseReason.REPLACED);
		}
	}

	private void received(String[] message) {
		String clientId = message[1];
		String text = String.join("\n", Arrays.copyOfRange(message, 2, message.length));
		Local local = this.locals.get(clientId);
		ClientConnection connection = (local != null) ? local.session.connection() : null;
		if (connection == null) {
			return;
		}
		PushMessage decoded = this.codec.decodeFromServer(text);
		if (decoded instanceof Frame frame) {
			connection.sendTransient(PreparedMessage.of(this.codec, frame),
					this.channels.resolve(frame.channel()).kind().priority());
		}
	}

	@Override
	public Mono<List<PushSession>> connectedEverywhere() {
		String self = this.directory.nodeId();
		return this.directory.currentNodes().flatMapMany(Flux::fromIterable).concatMap((node) -> {
			if (node.equals(self)) {
				return Flux.fromIterable(connected());
			}
			return this.redis.opsForSet()
				.scan(nodeSessionsKey(node))
				.concatMap((clientId) -> this.redis.<String, String>opsForHash()
					.multiGet(sessionKey(clientId), List.of("p", "n"))
					.filter((fields) -> fields.get(0) != null && node.equals(fields.get(1)))
					.map((fields) -> (PushSession) new RemoteSession(clientId,
							principalNamed(clientId, fields.get(0)))));
		}).collectList().timeout(this.timeout);
	}

	@Override
	public List<DefaultPushSession> connected() {
		List<DefaultPushSession> result = new ArrayList<>();
		for (Local local : this.locals.values()) {
			if (local.session.isConnected()) {
				result.add(local.session);
			}
		}
		return result;
	}

	@Override
	public Collection<DefaultPushSession> sessions() {
		List<DefaultPushSession> result = new ArrayList<>();
		this.locals.values().forEach((local) -> result.add(local.session));
		return result;
	}

	/**
	 * Forget this node's views of sessions detached for longer than the TTL (Redis
	 * expires the sessions themselves).
	 */
	public void sweep() {
		long now = System.nanoTime();
		long ttlNanos = this.ttl.toNanos();
		for (String clientId : this.locals.keySet()) {
			this.locals.computeIfPresent(clientId,
					(id, local) -> local.session.isExpired(now, ttlNanos) ? null : local);
		}
	}

	@Override
	public void dispose() {
		this.sweeper.dispose();
	}

	@Override
	public boolean isDisposed() {
		return this.sweeper.isDisposed();
	}

	/**
	 * The SHA-256 of a session secret, as Redis keeps it.
	 * @param secret the secret, or {@code null}
	 * @return the hash, or an empty string for {@code null}
	 */
	static String hash(@Nullable String secret) {
		if (secret == null) {
			return "";
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
			return java.util.HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	// Bounds a Redis command by the timeout and turns its failures into 'unavailable'.
	private <T> Mono<T> bounded(Mono<T> command) {
		return RedisFailures.bounded(command, this.timeout,
				"The session store (Redis) cannot be reached; try again later");
	}

	/** This node's view of a session, with the attachment its connection has. */
	private static final class Local {

		private final DefaultPushSession session;

		private volatile long serial = -1;

		Local(DefaultPushSession session) {
			this.session = session;
		}

	}

	/**
	 * A principal known by name only (a session read from Redis).
	 *
	 * @param name the name
	 */
	private record NamedPrincipal(String name) implements Principal {

		@Override
		public String getName() {
			return this.name;
		}

	}

	/**
	 * A session connected to another node, as Redis holds it.
	 *
	 * @param clientId the client id
	 * @param principal its principal (by name)
	 */
	private record RemoteSession(String clientId, Principal principal) implements PushSession {

		@Override
		public boolean isConnected() {
			return true;
		}

		@Override
		public @Nullable String transport() {
			return null;
		}

		@Override
		public Set<String> channels() {
			return Set.of();
		}

		@Override
		public Map<String, ResumeToken.Position> acknowledged() {
			return Map.of();
		}

	}

}

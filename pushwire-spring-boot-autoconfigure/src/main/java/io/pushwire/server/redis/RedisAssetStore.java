package io.pushwire.server.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.data.redis.serializer.RedisSerializationContext;
import org.springframework.data.redis.serializer.RedisSerializer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.pushwire.server.asset.AssetReference;
import io.pushwire.server.asset.AssetStore;
import io.pushwire.server.asset.StoredAsset;

/**
 * An {@link AssetStore} in Redis, shared by every node of a cluster
 * ({@code pushwire.server.store=redis}): a pointer published on one node downloads from
 * any node. Every key carries the hash tag {@code {assets}}, so that one script can keep
 * the bound across keys on Redis Cluster too (the assets then live in one slot):
 * <ul>
 * <li>{@code <prefix>{assets}:index}, a hash: per asset its size, the time it was last
 * saved or referenced and its MIME type;</li>
 * <li>{@code <prefix>{assets}:bytes}: the bytes stored, at most {@code maxBytes}
 * ({@code pushwire.server.assets.max-stored-bytes}, for the whole cluster);</li>
 * <li>{@code <prefix>{assets}:data:<sha256>}: the bytes;</li>
 * <li>{@code <prefix>{assets}:refs:<sha256>}, a hash: per channel the newest frame that
 * refers to the asset ({@code <epoch> <cursor>}).</li>
 * </ul>
 * A save reserves and writes in one script, so saves on several nodes never exceed the
 * bound. Eviction stays the publisher's ({@code AssetPublisher}: only assets that no
 * frame in a replay window refers to); since a node cannot see that another one is
 * between saving an asset and publishing its frame, {@link #delete} keeps an asset saved
 * or referenced within the last {@code protection}. Every command is bounded by the
 * command timeout and fails with {@code unavailable} (HTTP 503) when Redis cannot be
 * reached.
 *
 * @since 0.1.0
 */
public final class RedisAssetStore implements AssetStore {

	private static final String UNAVAILABLE_MESSAGE = "The asset store (Redis) cannot be reached; try again later";

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> SAVE = script("asset-save.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> REFERENCE = script("asset-reference.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> FIND = script("asset-find.lua");

	@SuppressWarnings("rawtypes")
	private static final RedisScript<List> DELETE = script("asset-delete.lua");

	private final ReactiveRedisTemplate<String, byte[]> redis;

	private final String keyPrefix;

	private final long maxBytes;

	private final Duration commandTimeout;

	private final Duration protection;

	/** The bytes stored, as Redis answered last. */
	private final AtomicLong storedBytes = new AtomicLong();

	/**
	 * Create a store.
	 * @param connectionFactory the connections to Redis (Spring Boot's)
	 * @param settings the Redis settings (key prefix, command timeout)
	 * @param maxBytes the most bytes the cluster keeps
	 * @param protection how long after it was saved or referenced an asset is kept even
	 * when no retained frame refers to it (a node may be publishing it)
	 */
	public RedisAssetStore(ReactiveRedisConnectionFactory connectionFactory, RedisStoreSettings settings, long maxBytes,
			Duration protection) {
		if (maxBytes <= 0) {
			throw new IllegalArgumentException("An asset store needs room for at least one byte");
		}
		RedisSerializationContext<String, byte[]> context = RedisSerializationContext
			.<String, byte[]>newSerializationContext(RedisSerializer.byteArray())
			.key(RedisSerializer.string())
			.hashKey(RedisSerializer.string())
			.build();
		this.redis = new ReactiveRedisTemplate<>(connectionFactory, context);
		this.keyPrefix = settings.keyPrefix() + "{assets}:";
		this.maxBytes = maxBytes;
		this.commandTimeout = settings.commandTimeout();
		this.protection = protection;
	}

	@SuppressWarnings("rawtypes")
	private static RedisScript<List> script(String name) {
		return RedisScript.of(new ClassPathResource("io/pushwire/server/redis/" + name), List.class);
	}

	@Override
	public Mono<Boolean> save(String sha256, String mime, byte[] bytes) {
		return run(SAVE, List.of(indexKey(), bytesKey(), dataKey(sha256)), List.of(utf8(sha256), utf8(mime),
				utf8(Integer.toString(bytes.length)), utf8(Long.toString(this.maxBytes)), bytes))
			.map((reply) -> {
				this.storedBytes.set(Long.parseLong(reply.get(1)));
				return "1".equals(reply.get(0));
			});
	}

	@Override
	public Mono<Void> reference(String sha256, AssetReference reference) {
		return run(REFERENCE, List.of(indexKey(), refsKey(sha256)), List.of(utf8(sha256), utf8(reference.channel()),
				utf8(reference.epoch()), utf8(Long.toString(reference.cursor()))))
			.then();
	}

	@Override
	public Mono<StoredAsset> find(String sha256) {
		return run(FIND, List.of(indexKey(), refsKey(sha256)), List.of(utf8(sha256)))
			.flatMap((reply) -> reply.isEmpty() ? Mono.empty() : Mono.just(asset(sha256, reply)));
	}

	@Override
	public Mono<byte[]> read(String sha256) {
		return command(this.redis.opsForValue().get(dataKey(sha256)));
	}

	@Override
	public Flux<StoredAsset> assets() {
		return command(this.redis.<String, byte[]>opsForHash().keys(indexKey()).collectList())
			.flatMapMany(Flux::fromIterable)
			.concatMap(this::find);
	}

	@Override
	public Mono<Void> delete(String sha256) {
		return run(DELETE, List.of(indexKey(), bytesKey(), dataKey(sha256), refsKey(sha256)),
				List.of(utf8(sha256), utf8(Long.toString(this.protection.toMillis()))))
			.doOnNext((reply) -> this.storedBytes.set(Long.parseLong(reply.get(1))))
			.then();
	}

	/**
	 * The bytes stored in Redis for the whole cluster, as Redis answered this node's last
	 * save or delete.
	 * @return the bytes
	 */
	@Override
	public long storedBytes() {
		return this.storedBytes.get();
	}

	private StoredAsset asset(String sha256, List<String> reply) {
		List<AssetReference> references = new ArrayList<>((reply.size() - 2) / 2);
		for (int i = 2; i + 1 < reply.size(); i += 2) {
			String position = reply.get(i + 1);
			int space = position.lastIndexOf(' ');
			references.add(new AssetReference(reply.get(i), position.substring(0, space),
					Long.parseLong(position.substring(space + 1))));
		}
		return new StoredAsset(sha256, reply.get(1), Long.parseLong(reply.get(0)), references);
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private Mono<List<String>> run(RedisScript<List> script, List<String> keys, List<byte[]> args) {
		return command(this.redis.execute(script, keys, (List) args).collectList().map((replies) -> {
			List<Object> flat = (replies.size() == 1 && replies.get(0) instanceof List<?> inner) ? (List<Object>) inner
					: (List<Object>) (List) replies;
			List<String> strings = new ArrayList<>(flat.size());
			for (Object value : flat) {
				strings.add(RedisValues.string(value));
			}
			return strings;
		}));
	}

	private <T> Mono<T> command(Mono<T> command) {
		return RedisFailures.bounded(command, this.commandTimeout, UNAVAILABLE_MESSAGE);
	}

	private String indexKey() {
		return this.keyPrefix + "index";
	}

	private String bytesKey() {
		return this.keyPrefix + "bytes";
	}

	private String dataKey(String sha256) {
		return this.keyPrefix + "data:" + sha256;
	}

	private String refsKey(String sha256) {
		return this.keyPrefix + "refs:" + sha256;
	}

	private static byte[] utf8(String value) {
		return value.getBytes(StandardCharsets.UTF_8);
	}

}

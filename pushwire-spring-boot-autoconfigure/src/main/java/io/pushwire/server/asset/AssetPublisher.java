package io.pushwire.server.asset;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.Resource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import io.pushwire.core.Asset;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.PreparedMessage;
import io.pushwire.core.ProtocolException;
import io.pushwire.core.ResumeToken;
import io.pushwire.server.AssetPublishResult;
import io.pushwire.server.channel.ChannelRegistry;
import io.pushwire.server.connection.ChannelPublisher;
import io.pushwire.server.stream.ChannelStreamStore;
import io.pushwire.server.stream.StoredFrame;
import io.pushwire.server.stream.StreamListener;

/**
 * Publishes assets (PROTOCOL.md §9): checks the channel, the MIME type and the size, in
 * that order; up to {@code inline-limit} bytes sends them inline, above it saves them in
 * the {@link AssetStore} and sends a pointer. When the store has no room, it first
 * deletes the assets that no frame in a replay window refers to any more; when that is
 * not enough, the publish fails with {@code unavailable} and nothing is published: an
 * asset that a retained frame points to is never evicted.
 *
 * @since 0.1.0
 */
public final class AssetPublisher {

	private static final Log logger = LogFactory.getLog(AssetPublisher.class);

	/** Larger assets are hashed off the caller's thread, which may be an event loop. */
	private static final int HASH_OFF_LOOP = 64 * 1024;

	private static final int MAX_NAME_LENGTH = 255;

	private static final StreamListener PROBE = new StreamListener() {

		@Override
		public void onFrame(StoredFrame frame) {
		}

		@Override
		public void onTransient(String channel, PreparedMessage frame) {
		}

	};

	private final ChannelRegistry channels;

	private final ChannelPublisher publisher;

	private final ChannelStreamStore streams;

	private final AssetStore store;

	private final AssetSettings settings;

	/** Assets being published: saved but not referenced yet, so not to be evicted. */
	private final Map<String, Integer> publishing = new ConcurrentHashMap<>();

	/**
	 * Create a publisher.
	 * @param channels the declared channel kinds
	 * @param publisher publishes the asset's frame
	 * @param streams the streams, whose replay windows decide how long assets are kept
	 * @param store keeps the bytes of pointer assets
	 * @param settings the settings
	 */
	public AssetPublisher(ChannelRegistry channels, ChannelPublisher publisher, ChannelStreamStore streams,
			AssetStore store, AssetSettings settings) {
		this.channels = channels;
		this.publisher = publisher;
		this.streams = streams;
		this.store = store;
		this.settings = settings;
	}

	/**
	 * The settings.
	 * @return the settings
	 */
	public AssetSettings settings() {
		return this.settings;
	}

	/**
	 * The checks that need no bytes, in the protocol's order: the channel, then the MIME
	 * type.
	 * @param channel the channel
	 * @param mime the MIME type
	 * @return the normalized MIME type
	 * @throws ProtocolException {@code unknown_channel} or {@code bad_message} for the
	 * channel, {@code unsupported_media_type} for the type
	 */
	public String check(String channel, @Nullable String mime) {
		this.channels.resolve(channel);
		String type = AssetSettings.normalize(mime);
		if (!this.settings.allowedTypes().contains(type)) {
			throw new ProtocolException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
					(type.isEmpty() ? "An asset needs a MIME type" : "MIME type '" + type + "' is not allowed")
							+ "; allowed: " + this.settings.allowedTypes().stream().sorted().toList()
							+ " (pushwire.server.assets.allowed-types)");
		}
		return type;
	}

	/**
	 * Check an asset's size.
	 * @param size the number of bytes
	 * @throws ProtocolException {@code too_large} above {@code max-size}
	 */
	public void checkSize(long size) {
		if (size > this.settings.maxSize()) {
			throw new ProtocolException(ErrorCode.TOO_LARGE,
					"The asset has more than " + this.settings.maxSize() + " bytes (pushwire.server.assets.max-size)");
		}
	}

	/**
	 * Publish an asset.
	 * @param channel the channel
	 * @param bytes the bytes
	 * @param mime the MIME type
	 * @param name the name or {@code null}
	 * @return the frame's position and the asset
	 */
	public Mono<AssetPublishResult> publish(String channel, byte[] bytes, @Nullable String mime,
			@Nullable String name) {
		return Mono.defer(() -> {
			String type = check(channel, mime);
			checkSize(bytes.length);
			checkName(name);
			Mono<String> hash = Mono.fromSupplier(() -> Asset.sha256Hex(bytes));
			if (bytes.length > HASH_OFF_LOOP) {
				hash = hash.subscribeOn(Schedulers.parallel());
			}
			return hash.flatMap((sha256) -> publish(channel, bytes, type, name, sha256));
		});
	}

	/**
	 * Publish an asset read from a resource, on the bounded elastic scheduler; the
	 * channel and type are checked first, and at most {@code max-size} + 1 bytes are
	 * read.
	 * @param channel the channel
	 * @param resource the bytes
	 * @param mime the MIME type
	 * @param name the name or {@code null}
	 * @return the frame's position and the asset
	 */
	public Mono<AssetPublishResult> publish(String channel, Resource resource, @Nullable String mime,
			@Nullable String name) {
		return Mono.defer(() -> {
			check(channel, mime);
			checkName(name);
			long limit = this.settings.maxSize();
			return Mono.fromCallable(() -> {
				try (InputStream in = resource.getInputStream()) {
					return in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
				}
				catch (IOException ex) {
					throw new UncheckedIOException("Cannot read the asset " + resource.getDescription(), ex);
				}
			}).subscribeOn(Schedulers.boundedElastic()).flatMap((bytes) -> publish(channel, bytes, mime, name));
		});
	}

	/**
	 * Delete the stored assets that no frame in a replay window refers to any more.
	 * @return how many were deleted
	 */
	public Mono<Long> evictUnreferenced() {
		return this.store.assets()
			.filter((asset) -> !this.publishing.containsKey(asset.sha256()))
			.concatMap((asset) -> anyRetained(asset.references()).filter((retained) -> !retained)
				.flatMap((unused) -> this.store.delete(asset.sha256()).thenReturn(asset)))
			.count();
	}

	private Mono<AssetPublishResult> publish(String channel, byte[] bytes, String type, @Nullable String name,
			String sha256) {
		if (bytes.length <= this.settings.inlineLimit()) {
			Asset asset = Asset.Inline.of(type, bytes, name);
			return this.publisher.publish(channel, asset.toPayload(), null)
				.map((published) -> new AssetPublishResult(published, asset));
		}
		Asset asset = new Asset.Pointer(type, sha256, bytes.length, this.settings.basePath() + "/assets/" + sha256,
				name);
		return Mono.defer(() -> {
			this.publishing.merge(sha256, 1, Integer::sum);
			return save(sha256, type, bytes).then(this.publisher.publish(channel, asset.toPayload(), null))
				.flatMap((published) -> this.store
					.reference(sha256, new AssetReference(published.channel(), published.epoch(), published.cursor()))
					.thenReturn(new AssetPublishResult(published, asset)))
				.doFinally((signal) -> this.publishing.computeIfPresent(sha256,
						(key, count) -> (count > 1) ? count - 1 : null));
		});
	}

	private Mono<Void> save(String sha256, String type, byte[] bytes) {
		return this.store.save(sha256, type, bytes).flatMap((saved) -> {
			if (saved) {
				return Mono.just(true);
			}
			return evictUnreferenced().doOnNext((evicted) -> {
				if (logger.isDebugEnabled()) {
					logger.debug("Evicted " + evicted + " unreferenced assets to make room for " + sha256);
				}
			}).then(this.store.save(sha256, type, bytes));
		}).flatMap((saved) -> {
			if (!saved) {
				return Mono.error(new ProtocolException(ErrorCode.UNAVAILABLE, "No room for an asset of " + bytes.length
						+ " bytes: the asset store holds " + this.store.storedBytes()
						+ " bytes of assets that frames in replay windows still refer to; nothing was published. "
						+ "Raise pushwire.server.assets.max-stored-bytes or shorten those channels' history"));
			}
			return Mono.empty();
		});
	}

	/**
	 * Whether any of the frames still is in its channel's replay window.
	 * @param references the frames
	 * @return whether one is
	 */
	private Mono<Boolean> anyRetained(List<AssetReference> references) {
		return Flux.fromIterable(references).concatMap(this::retained).any(Boolean::booleanValue);
	}

	private Mono<Boolean> retained(AssetReference reference) {
		ChannelRegistry.ResolvedChannel resolved;
		try {
			resolved = this.channels.resolve(reference.channel());
		}
		catch (ProtocolException ex) {
			return Mono.just(false);
		}
		// Attaching from just before the frame tells, atomically, whether the frame is
		// still in the window: a resume point that is gone means the frame is gone. The
		// probe detaches at once and never receives a frame.
		ResumeToken.Position before = new ResumeToken.Position(reference.cursor() - 1, reference.epoch());
		return this.streams.stream(resolved.name(), resolved.kind()).attach(before, PROBE).map((attachment) -> {
			attachment.detach().dispose();
			return !attachment.plan().resumeRequired() && reference.cursor() <= attachment.plan().head();
		});
	}

	private static void checkName(@Nullable String name) {
		if (name != null && (name.isEmpty() || name.length() > MAX_NAME_LENGTH
				|| name.chars().anyMatch(Character::isISOControl))) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"An asset's name must be 1 to " + MAX_NAME_LENGTH + " characters without control characters");
		}
	}

}

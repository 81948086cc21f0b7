package io.pushwire.core;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;
import org.jspecify.annotations.Nullable;

/**
 * zstd for binary bodies (PROTOCOL.md §8.1): a body of {@value #THRESHOLD} bytes or more
 * is compressed; a compressed body is inflated only when its frame declares its size and
 * that size is within the bound, into a buffer of exactly that size, so that a
 * decompression bomb allocates nothing. An optional trained dictionary, whose id both
 * sides announce in {@code features} as {@code zstd:dict:<id>}, compresses small
 * JSON-like bodies much better. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ZstdBodies {

	/** Bodies of this many bytes or more are compressed. */
	public static final int THRESHOLD = 512;

	/** The compression level: zstd's default, fast and a good ratio on JSON-like data. */
	static final int LEVEL = 3;

	private static final ZstdBodies PLAIN = new ZstdBodies(null, 0);

	private final @Nullable ZstdDictCompress compressDictionary;

	private final @Nullable ZstdDictDecompress decompressDictionary;

	private final long dictionaryId;

	private ZstdBodies(byte @Nullable [] dictionary, long dictionaryId) {
		this.compressDictionary = (dictionary != null) ? new ZstdDictCompress(dictionary, LEVEL) : null;
		this.decompressDictionary = (dictionary != null) ? new ZstdDictDecompress(dictionary) : null;
		this.dictionaryId = dictionaryId;
	}

	/**
	 * zstd without a dictionary.
	 * @return the instance
	 */
	public static ZstdBodies plain() {
		return PLAIN;
	}

	/**
	 * zstd with a dictionary trained by {@code zstd --train}.
	 * @param dictionary the dictionary's bytes
	 * @return the instance
	 * @throws IllegalArgumentException when the bytes are not a zstd dictionary with an
	 * id
	 */
	public static ZstdBodies withDictionary(byte[] dictionary) {
		long id = Zstd.getDictIdFromDict(dictionary);
		if (id == 0) {
			throw new IllegalArgumentException(
					"Not a zstd dictionary with an id (train one with 'zstd --train <samples> -o <file>')");
		}
		return new ZstdBodies(dictionary, id);
	}

	/**
	 * The dictionary's id, 0 when there is none.
	 * @return the id
	 */
	public long dictionaryId() {
		return this.dictionaryId;
	}

	/**
	 * The feature that announces the dictionary ({@code zstd:dict:<id>}), or {@code null}
	 * without one.
	 * @return the feature
	 */
	public @Nullable String dictionaryFeature() {
		return (this.dictionaryId != 0) ? "zstd:dict:" + this.dictionaryId : null;
	}

	/**
	 * Compress a body.
	 * @param body the body
	 * @return a zstd frame that declares its content size
	 */
	byte[] compress(byte[] body) {
		ZstdDictCompress dictionary = this.compressDictionary;
		return (dictionary != null) ? Zstd.compress(body, dictionary) : Zstd.compress(body, LEVEL);
	}

	/**
	 * Inflate a compressed body without ever allocating past a bound.
	 * @param source the bytes holding the compressed body
	 * @param offset where the body starts
	 * @param length its length
	 * @param maxSize the largest inflated size allowed
	 * @return the inflated body
	 * @throws ProtocolException {@code bad_message} for a body that is not one valid zstd
	 * frame declaring its size, {@code too_large} for a declared size past the bound
	 */
	byte[] decompress(byte[] source, int offset, int length, long maxSize) {
		try {
			return inflate(source, offset, length, maxSize);
		}
		catch (ZstdException ex) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "The zstd body is corrupt (" + ex.getMessage() + ")");
		}
	}

	private byte[] inflate(byte[] source, int offset, int length, long maxSize) {
		long size = Zstd.getFrameContentSize(source, offset, length);
		if (size == -1) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE,
					"A zstd body must declare its content size in its frame header");
		}
		if (size < 0) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "The body is flagged zstd but is not a zstd frame");
		}
		if (size > maxSize) {
			throw new ProtocolException(ErrorCode.TOO_LARGE,
					"The body inflates to " + size + " bytes, more than the " + maxSize + " allowed");
		}
		byte[] target = new byte[(int) size];
		long written;
		ZstdDictDecompress dictionary = this.decompressDictionary;
		if (dictionary != null && Zstd.getDictIdFromFrame(copy(source, offset, length)) != 0) {
			written = Zstd.decompressFastDict(target, 0, source, offset, length, dictionary);
		}
		else {
			written = Zstd.decompressByteArray(target, 0, target.length, source, offset, length);
		}
		if (Zstd.isError(written) || written != size) {
			throw new ProtocolException(ErrorCode.BAD_MESSAGE, "The zstd body is corrupt"
					+ (Zstd.isError(written) ? " (" + Zstd.getErrorName(written) + ")" : ""));
		}
		return target;
	}

	private static byte[] copy(byte[] source, int offset, int length) {
		if (offset == 0 && length == source.length) {
			return source;
		}
		byte[] copy = new byte[Math.min(length, 32)];
		System.arraycopy(source, offset, copy, 0, copy.length);
		return copy;
	}

}

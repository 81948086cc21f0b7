package io.pushwire.server.asset;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * The asset settings ({@code pushwire.server.assets.*}).
 *
 * @param basePath the push endpoint's path ({@code pushwire.server.path}); pointer URLs
 * are {@code <basePath>/assets/<sha256>}
 * @param inlineLimit the largest asset sent inline, in bytes
 * @param maxSize the largest asset accepted, in bytes
 * @param allowedTypes the MIME types accepted, lowercase, without parameters
 * @since 0.1.0
 */
public record AssetSettings(String basePath, long inlineLimit, long maxSize, Set<String> allowedTypes) {

	/** The default allowed types. */
	public static final List<String> DEFAULT_ALLOWED_TYPES = List.of("image/png", "image/jpeg", "image/webp",
			"image/gif");

	/**
	 * Normalize the allowed types.
	 * @param basePath the push endpoint's path
	 * @param inlineLimit the largest asset sent inline
	 * @param maxSize the largest asset accepted
	 * @param allowedTypes the allowed MIME types
	 */
	public AssetSettings {
		allowedTypes = allowedTypes.stream().map(AssetSettings::normalize).collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * A MIME type as assets compare them: without parameters, trimmed, lowercase.
	 * @param mime the type, as a publisher or a request gave it
	 * @return the normalized type, empty for {@code null}
	 */
	public static String normalize(@Nullable String mime) {
		if (mime == null) {
			return "";
		}
		int semicolon = mime.indexOf(';');
		String type = (semicolon >= 0) ? mime.substring(0, semicolon) : mime;
		return type.trim().toLowerCase(Locale.ROOT);
	}

}

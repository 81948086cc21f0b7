package io.pushwire.server.asset;

import java.util.List;

/**
 * What an {@link AssetStore} knows of an asset besides its bytes.
 *
 * @param sha256 the SHA-256 of the bytes, lowercase hex
 * @param mime the MIME type
 * @param size the number of bytes
 * @param references per channel the asset was published on, the newest frame that refers
 * to it
 * @since 0.1.0
 */
public record StoredAsset(String sha256, String mime, long size, List<AssetReference> references) {

	/**
	 * Copy the references, so that the record does not change with the list it was made
	 * from.
	 * @param sha256 the SHA-256 of the bytes
	 * @param mime the MIME type
	 * @param size the number of bytes
	 * @param references the references
	 */
	public StoredAsset {
		references = List.copyOf(references);
	}

}

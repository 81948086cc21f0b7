package io.pushwire.core;

/**
 * Bytes that do not match the asset that announced them (PROTOCOL.md §9): a receiver
 * refuses them rather than hand them over.
 *
 * @since 0.1.0
 */
public final class AssetIntegrityException extends RuntimeException {

	/**
	 * Create the exception.
	 * @param message what did not match
	 */
	public AssetIntegrityException(String message) {
		super(message);
	}

}

package io.pushwire.server.stream;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * An optional hook for a store that can become unreachable (a {@link ChannelStore} or a
 * {@code SessionRegistry} shared by several nodes): the {@code pushwire} health indicator
 * asks every store that implements it, and reports {@code DOWN} with the store's detail
 * when one cannot be reached. The in-memory stores do not implement it: they are always
 * healthy. Not part of the store SPI's contract, so a store without it keeps working.
 *
 * @since 0.1.0
 */
public interface StoreHealth {

	/**
	 * Check the store, without blocking: the health indicator gives up after a few
	 * seconds and reports the store as unreachable.
	 * @return the result
	 */
	Mono<Check> checkHealth();

	/**
	 * The result of a check.
	 *
	 * @param reachable whether the store can be reached
	 * @param detail what is wrong (no credentials, no personal data), or {@code null}
	 * @since 0.1.0
	 */
	record Check(boolean reachable, @Nullable String detail) {

		/**
		 * A reachable store.
		 * @return the result
		 */
		public static Check ok() {
			return new Check(true, null);
		}

		/**
		 * An unreachable store.
		 * @param detail what is wrong
		 * @return the result
		 */
		public static Check failed(String detail) {
			return new Check(false, detail);
		}

	}

}

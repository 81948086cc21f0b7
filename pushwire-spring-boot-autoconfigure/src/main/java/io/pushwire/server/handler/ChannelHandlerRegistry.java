package io.pushwire.server.handler;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The handlers of client frames, one per channel kind. {@code @PushHandler} methods are
 * registered at startup; applications may register others programmatically.
 *
 * @since 0.1.0
 */
public final class ChannelHandlerRegistry {

	private final Map<String, Registration> handlers = new ConcurrentHashMap<>();

	/**
	 * Register a handler for a kind.
	 * @param kind the channel kind
	 * @param handler the handler
	 * @param description what the handler is (a method signature), used in error messages
	 * @throws IllegalStateException when the kind already has a handler
	 */
	public void register(String kind, ChannelHandler handler, String description) {
		Registration registration = new Registration(handler, description);
		Registration existing = this.handlers.putIfAbsent(kind, registration);
		if (existing != null) {
			throw new IllegalStateException("Channel kind '" + kind + "' has two handlers: " + existing.description()
					+ " and " + description + ". Keep one @PushHandler per kind.");
		}
	}

	/**
	 * The handler of a kind.
	 * @param kind the channel kind
	 * @return the handler, or {@code null} when the kind has none
	 */
	public @Nullable ChannelHandler find(String kind) {
		Registration registration = this.handlers.get(kind);
		return (registration != null) ? registration.handler() : null;
	}

	/**
	 * The kinds that have a handler.
	 * @return the kinds
	 */
	public Set<String> kinds() {
		return Set.copyOf(this.handlers.keySet());
	}

	/**
	 * The description of the handler of a kind.
	 * @param kind the channel kind
	 * @return the description, or {@code null}
	 */
	public @Nullable String describe(String kind) {
		Registration registration = this.handlers.get(kind);
		return (registration != null) ? registration.description() : null;
	}

	private record Registration(ChannelHandler handler, String description) {
	}

}

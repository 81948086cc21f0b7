package io.pushwire.server.channel;

import java.util.BitSet;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.ProtocolException;

/**
 * The declared channel kinds. A channel whose kind is not declared does not exist
 * ({@code unknown_channel}); the kind {@code system} is reserved.
 *
 * @since 0.1.0
 */
public final class ChannelRegistry {

	private final Map<String, ChannelKind> kinds;

	/**
	 * Create a registry, assigning wire ids to kinds that have none.
	 * @param kinds the kinds
	 * @throws IllegalArgumentException when a kind is {@code system}, declared twice, or
	 * two kinds share a wire id
	 */
	public ChannelRegistry(Collection<ChannelKind> kinds) {
		Map<String, ChannelKind> byName = new LinkedHashMap<>();
		BitSet used = new BitSet(256);
		used.set(ChannelKind.SYSTEM_WIRE_ID);
		Map<Integer, String> owners = new LinkedHashMap<>();
		for (ChannelKind kind : kinds) {
			if (ChannelName.SYSTEM_KIND.equals(kind.name())) {
				throw new IllegalArgumentException("Channel kind 'system' is reserved for control traffic");
			}
			if (byName.putIfAbsent(kind.name(), kind) != null) {
				throw new IllegalArgumentException("Channel kind '" + kind.name() + "' is declared twice");
			}
			if (kind.wireId() >= 0) {
				if (kind.wireId() == ChannelKind.SYSTEM_WIRE_ID) {
					throw new IllegalArgumentException("Channel kind '" + kind.name() + "' uses wire id "
							+ ChannelKind.SYSTEM_WIRE_ID + ", which is the system kind's");
				}
				String owner = owners.putIfAbsent(kind.wireId(), kind.name());
				if (owner != null) {
					throw new IllegalArgumentException("Channel kinds '" + owner + "' and '" + kind.name()
							+ "' both use wire id " + kind.wireId());
				}
				used.set(kind.wireId());
			}
		}
		for (Map.Entry<String, ChannelKind> entry : byName.entrySet()) {
			ChannelKind kind = entry.getValue();
			if (kind.wireId() < 0) {
				int wireId = used.nextClearBit(0);
				if (wireId > 255) {
					throw new IllegalArgumentException("More than 255 channel kinds are declared");
				}
				used.set(wireId);
				entry.setValue(kind.withWireId(wireId));
			}
		}
		this.kinds = Collections.unmodifiableMap(byName);
	}

	/**
	 * A declared kind.
	 * @param name the kind's name
	 * @return the kind or {@code null}
	 */
	public @Nullable ChannelKind find(String name) {
		return this.kinds.get(name);
	}

	/**
	 * Whether a kind is declared.
	 * @param name the kind's name
	 * @return {@code true} when declared
	 */
	public boolean isDeclared(String name) {
		return this.kinds.containsKey(name);
	}

	/**
	 * All declared kinds.
	 * @return the kinds, in declaration order
	 */
	public Collection<ChannelKind> kinds() {
		return this.kinds.values();
	}

	/**
	 * Parse a channel name and find its kind.
	 * @param channel the name
	 * @return the channel and its kind
	 * @throws ProtocolException {@code bad_message} for a name that breaks the grammar,
	 * {@code unknown_channel} for an undeclared kind (or {@code system})
	 */
	public ResolvedChannel resolve(String channel) {
		ChannelName name;
		try {
			name = ChannelName.parse(channel);
		}
		catch (ProtocolException ex) {
			throw new ProtocolException(ex.code(), ex.getMessage(), ChannelNameAbbreviation.of(channel));
		}
		ChannelKind kind = this.kinds.get(name.kind());
		if (kind == null) {
			throw new ProtocolException(ErrorCode.UNKNOWN_CHANNEL,
					"Channel kind '" + name.kind() + "' is not declared on this server", channel);
		}
		return new ResolvedChannel(name, kind);
	}

	/**
	 * A channel with its declared kind.
	 *
	 * @param name the channel
	 * @param kind its kind
	 */
	public record ResolvedChannel(ChannelName name, ChannelKind kind) {
	}

	/** Keeps error messages about absurd names short. */
	private static final class ChannelNameAbbreviation {

		static String of(String channel) {
			return (channel.length() <= ChannelName.MAX_LENGTH) ? channel : channel.substring(0, 61) + "...";
		}

	}

}

package io.pushwire.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one-byte ids that binary frame headers carry for channel kinds (PROTOCOL.md §8.1):
 * a frame carries its kind's id, an op the id of {@code system}. The body is
 * authoritative, so an id only helps a receiver route before decoding; a channel whose
 * kind is not listed gets the id of {@code system}.
 *
 * @param kinds the declared kinds' ids by kind name
 * @param system the id of {@code system}
 * @since 0.1.0
 */
public record WireIds(Map<String, Integer> kinds, int system) {

	/** The default wire id of {@code system}. */
	public static final int DEFAULT_SYSTEM = 5;

	/**
	 * Check and copy the ids.
	 */
	public WireIds {
		kinds = Map.copyOf(kinds);
		check(system, ChannelName.SYSTEM_KIND);
		kinds.forEach((kind, id) -> check(id, kind));
	}

	/**
	 * No kinds known yet (a client before {@code auth_ok}): every message carries the id
	 * of {@code system}.
	 * @return the ids
	 */
	public static WireIds none() {
		return new WireIds(Map.of(), DEFAULT_SYSTEM);
	}

	/**
	 * The id a message's header carries.
	 * @param message the message
	 * @return its kind's id for a frame, the id of {@code system} for an op
	 */
	public int of(PushMessage message) {
		String channel = (message instanceof Frame frame) ? frame.channel()
				: (message instanceof DeltaFrame delta) ? delta.channel() : null;
		if (channel != null) {
			int colon = channel.indexOf(':');
			Integer id = this.kinds.get((colon < 0) ? channel : channel.substring(0, colon));
			return (id != null) ? id : this.system;
		}
		return this.system;
	}

	/**
	 * The ids as {@code auth_ok.wire_ids} lists them: every kind, then {@code system}.
	 * @return the ids by kind name
	 */
	public Map<String, Long> asMap() {
		Map<String, Long> map = new LinkedHashMap<>();
		this.kinds.forEach((kind, id) -> map.put(kind, (long) id));
		map.put(ChannelName.SYSTEM_KIND, (long) this.system);
		return map;
	}

	/**
	 * The ids a server listed in {@code auth_ok.wire_ids}.
	 * @param listed the ids by kind name, {@code system} among them (or not, for the
	 * default)
	 * @return the ids, ignoring values that are not 0 to 255
	 */
	public static WireIds fromMap(Map<String, Long> listed) {
		Map<String, Integer> kinds = new LinkedHashMap<>();
		int system = DEFAULT_SYSTEM;
		for (Map.Entry<String, Long> entry : listed.entrySet()) {
			long id = entry.getValue();
			if (id < 0 || id > 255) {
				continue;
			}
			if (ChannelName.SYSTEM_KIND.equals(entry.getKey())) {
				system = (int) id;
			}
			else {
				kinds.put(entry.getKey(), (int) id);
			}
		}
		return new WireIds(kinds, system);
	}

	private static void check(int id, String kind) {
		if (id < 0 || id > 255) {
			throw new IllegalArgumentException("The wire id of '" + kind + "' must be 0 to 255, not " + id);
		}
	}

}

package io.pushwire.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The wire formats a server offers, by the name a client asks for with {@code ?format=}:
 * {@code json} always, and the binary ones.
 *
 * @since 0.1.0
 */
public final class WireFormats {

	private final ProtocolCodec json;

	private final Map<String, WireFormat> byName;

	/**
	 * Create the formats.
	 * @param json the JSON codec
	 * @param binary the binary formats
	 */
	public WireFormats(ProtocolCodec json, List<BinaryFormat> binary) {
		this.json = json;
		Map<String, WireFormat> map = new LinkedHashMap<>();
		map.put(json.name(), json);
		binary.forEach((format) -> map.put(format.name(), format));
		this.byName = Collections.unmodifiableMap(map);
	}

	/**
	 * JSON only.
	 * @param json the JSON codec
	 * @return the formats
	 */
	public static WireFormats jsonOnly(ProtocolCodec json) {
		return new WireFormats(json, List.of());
	}

	/**
	 * The JSON codec.
	 * @return the codec
	 */
	public ProtocolCodec json() {
		return this.json;
	}

	/**
	 * A format by name.
	 * @param name the name, case-sensitive; {@code null} for the default
	 * @return the format, JSON for {@code null}, or {@code null} when none has that name
	 */
	public @Nullable WireFormat find(@Nullable String name) {
		return (name != null) ? this.byName.get(name) : this.json;
	}

	/**
	 * The names of the formats.
	 * @return the names
	 */
	public Set<String> names() {
		return this.byName.keySet();
	}

}

package io.pushwire.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One run's figures, in the order they were measured; written as {@code key=value} lines.
 */
final class Results {

	private final Map<String, String> values = new LinkedHashMap<>();

	Results put(String key, Object value) {
		String text = (value instanceof Double d) ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(value);
		this.values.put(key, text);
		System.out.println("  " + key + " = " + text);
		return this;
	}

	void write(String file) throws IOException {
		if (file == null) {
			return;
		}
		StringBuilder text = new StringBuilder();
		this.values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
		Path path = Path.of(file);
		if (path.getParent() != null) {
			Files.createDirectories(path.getParent());
		}
		Files.writeString(path, text);
	}

}

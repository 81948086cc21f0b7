package io.pushwire.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Medians over rounds and the ratios the targets of issue #5 name, as Markdown tables:
 * one per scenario, one column per server, the per-round values in brackets.
 */
final class Summary {

	private static final List<String> ORDER = List.of("sample", "pushwire", "stomp", "raw", "sse");

	private Summary() {
	}

	static void main(String[] args) throws IOException {
		Map<String, Map<String, List<Map<String, String>>>> runs = new TreeMap<>();
		Set<String> keys = new LinkedHashSet<>();
		for (String dir : args) {
			try (Stream<Path> files = Files.walk(Path.of(dir))) {
				for (Path file : files.filter((f) -> f.toString().endsWith(".properties")).sorted().toList()) {
					Map<String, String> run = read(file);
					keys.addAll(run.keySet());
					runs.computeIfAbsent(run.get("scenario"), (s) -> new TreeMap<>())
						.computeIfAbsent(column(run), (t) -> new ArrayList<>())
						.add(run);
				}
			}
		}
		runs.forEach((scenario, byTarget) -> print(scenario, byTarget, keys));
	}

	/**
	 * The column of a run: its target, and its wire format when not JSON
	 * ({@code pushwire+msgpack}), so that runs in different formats are told apart.
	 * @param run the run's figures
	 * @return the column's name
	 */
	private static String column(Map<String, String> run) {
		String format = run.get("format");
		return (format == null || format.equals("json")) ? run.get("target") : run.get("target") + "+" + format;
	}

	private static void print(String scenario, Map<String, List<Map<String, String>>> byTarget, Set<String> keys) {
		List<String> targets = new ArrayList<>();
		for (String target : ORDER) {
			byTarget.keySet()
				.stream()
				.filter((column) -> column.equals(target) || column.startsWith(target + "+"))
				.sorted()
				.forEach(targets::add);
		}
		System.out.println();
		System.out.println("### Scenario " + scenario + " (medians; rounds in brackets)");
		System.out.println();
		StringBuilder header = new StringBuilder("| figure |");
		StringBuilder rule = new StringBuilder("|---|");
		for (String target : targets) {
			header.append(' ').append(target).append(" (").append(byTarget.get(target).size()).append(") |");
			rule.append("---|");
		}
		// The sample app, where it ran, is the one the others are compared with.
		String ours = targets.contains("sample") ? "sample" : "pushwire";
		boolean ratios = targets.contains(ours) && targets.size() > 1;
		if (ratios) {
			for (String target : targets) {
				if (!target.equals(ours)) {
					header.append(' ').append(ours).append('/').append(target).append(" |");
					rule.append("---|");
				}
			}
		}
		System.out.println(header);
		System.out.println(rule);
		for (String key : keys) {
			if (key.equals("scenario") || key.equals("target") || key.equals("round") || key.equals("publish")) {
				continue;
			}
			Map<String, Double> medians = new LinkedHashMap<>();
			StringBuilder row = new StringBuilder("| ").append(key).append(" |");
			boolean any = false;
			for (String target : targets) {
				List<Double> values = new ArrayList<>();
				for (Map<String, String> run : byTarget.get(target)) {
					String value = run.get(key);
					if (value != null) {
						try {
							values.add(Double.parseDouble(value));
						}
						catch (NumberFormatException ex) {
							// not a figure
						}
					}
				}
				if (values.isEmpty()) {
					row.append(" |");
					continue;
				}
				any = true;
				double median = median(values);
				medians.put(target, median);
				row.append(' ').append(format(median));
				if (values.size() > 1) {
					row.append(" [");
					for (int i = 0; i < values.size(); i++) {
						row.append((i > 0) ? ", " : "").append(format(values.get(i)));
					}
					row.append(']');
				}
				row.append(" |");
			}
			if (ratios) {
				for (String target : targets) {
					if (!target.equals(ours)) {
						Double mine = medians.get(ours);
						Double theirs = medians.get(target);
						row.append(' ')
							.append((mine != null && theirs != null && theirs != 0) ? format(mine / theirs) : "")
							.append(" |");
					}
				}
			}
			if (any) {
				System.out.println(row);
			}
		}
	}

	static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(Double::compare);
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	private static String format(double value) {
		if (value == Math.rint(value) && Math.abs(value) < 1e15) {
			return String.format(Locale.ROOT, "%d", (long) value);
		}
		return String.format(Locale.ROOT, (Math.abs(value) >= 100) ? "%.0f" : (Math.abs(value) >= 1) ? "%.2f" : "%.3f",
				value);
	}

	private static Map<String, String> read(Path file) throws IOException {
		Map<String, String> run = new LinkedHashMap<>();
		for (String line : Files.readAllLines(file)) {
			int eq = line.indexOf('=');
			if (eq > 0) {
				run.put(line.substring(0, eq), line.substring(eq + 1));
			}
		}
		return run;
	}

}

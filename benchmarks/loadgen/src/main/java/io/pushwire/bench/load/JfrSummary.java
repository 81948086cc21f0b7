package io.pushwire.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples of a JFR recording ({@code jdk.ExecutionSample}): by thread, by the
 * method on top of the stack (self), and by method anywhere on the stack (inclusive), optionally only
 * for methods whose class matches a pattern.
 * <p>
 * {@code java -cp loadgen.jar ... jfr <file.jfr> [class regex, default io\.pushwire\.] [top, default 25]}
 */
final class JfrSummary {

	private JfrSummary() {
	}

	public static void main(String[] args) throws IOException {
		Path file = Path.of(args[0]);
		Pattern focus = Pattern.compile((args.length > 1) ? args[1] : "io\\.pushwire\\.");
		int top = (args.length > 2) ? Integer.parseInt(args[2]) : 25;
		Map<String, Integer> threads = new HashMap<>();
		Map<String, Integer> self = new HashMap<>();
		Map<String, Integer> inclusive = new HashMap<>();
		Map<String, Integer> focusInclusive = new HashMap<>();
		int total = 0;
		List<RecordedEvent> events = RecordingFile.readAllEvents(file);
		for (RecordedEvent event : events) {
			if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
				continue;
			}
			total++;
			String thread = event.getThread("sampledThread") != null ? event.getThread("sampledThread").getJavaName()
					: "?";
			threads.merge(thread.replaceAll("-?\\d+$", "-N"), 1, Integer::sum);
			RecordedStackTrace stack = event.getStackTrace();
			if (stack == null || stack.getFrames().isEmpty()) {
				continue;
			}
			self.merge(name(stack.getFrames().get(0)), 1, Integer::sum);
			Set<String> seen = new HashSet<>();
			for (RecordedFrame frame : stack.getFrames()) {
				String name = name(frame);
				if (seen.add(name)) {
					inclusive.merge(name, 1, Integer::sum);
					if (focus.matcher(name).find()) {
						focusInclusive.merge(name, 1, Integer::sum);
					}
				}
			}
		}
		System.out.println("samples: " + total + " (" + file.getFileName() + ")");
		print("threads", threads, total, top);
		print("self (top of stack)", self, total, top);
		print("inclusive", inclusive, total, top);
		print("inclusive, " + focus.pattern(), focusInclusive, total, top);
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

	private static void print(String title, Map<String, Integer> counts, int total, int top) {
		System.out.println();
		System.out.println("| " + title + " | samples | share |");
		System.out.println("|---|---|---|");
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(top)
			.forEach((e) -> System.out.println("| `" + e.getKey() + "` | " + e.getValue() + " | "
					+ String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue() / total) + " |"));
	}

}

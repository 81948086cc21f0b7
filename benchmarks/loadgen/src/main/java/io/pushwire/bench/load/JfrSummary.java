package io.pushwire.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the CPU samples of a JFR recording ({@code jdk.ExecutionSample}): by thread,
 * by the method on top of the stack (self), and by method anywhere on the stack
 * (inclusive), optionally only for methods whose class matches a pattern.
 * <p>
 * {@code java -jar loadgen.jar jfr <file.jfr> [class regex, default io\.pushwire\.] [top, default 25]
 * [thread regex: only samples of matching threads]}
 */
final class JfrSummary {

	private JfrSummary() {
	}

	static void main(String[] args) throws IOException {
		Path file = Path.of(args[0]);
		Pattern focus = Pattern.compile((args.length > 1) ? args[1] : "io\\.pushwire\\.");
		int top = (args.length > 2) ? Integer.parseInt(args[2]) : 25;
		Pattern onlyThreads = Pattern.compile((args.length > 3) ? args[3] : ".*");
		StackTally tally = new StackTally(focus, top);
		Map<String, Double> cpuSeconds = new HashMap<>();
		Map<String, Double> peakCores = new HashMap<>();
		int cpus = Runtime.getRuntime().availableProcessors();
		List<RecordedEvent> events = RecordingFile.readAllEvents(file);
		for (RecordedEvent event : events) {
			if (event.getEventType().getName().equals("jdk.ThreadCPULoad") && event.getThread("eventThread") != null) {
				// Loads are fractions of the whole machine over the period (1 s with
				// bench.jfc).
				double cores = (event.getFloat("user") + event.getFloat("system")) * cpus;
				String group = StackTally.group(event.getThread("eventThread").getJavaName());
				cpuSeconds.merge(group, cores, Double::sum);
				peakCores.merge(group, cores, Math::max);
				continue;
			}
			if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
				continue;
			}
			String thread = (event.getThread("sampledThread") != null) ? event.getThread("sampledThread").getJavaName()
					: "?";
			if (!onlyThreads.matcher(thread).find()) {
				continue;
			}
			tally.add(thread, 1);
			RecordedStackTrace stack = event.getStackTrace();
			if (stack == null || stack.getFrames().isEmpty()) {
				continue;
			}
			List<String> frames = stack.getFrames().stream().map(JfrSummary::name).toList();
			tally.addFrames(frames.get(0), frames, 1);
		}
		System.out.println("samples: " + tally.total() + " (" + file.getFileName() + ")");
		System.out.println();
		System.out
			.println("| thread (jdk.ThreadCPULoad, 1 s periods) | CPU seconds | busiest second, cores of one thread |");
		System.out.println("|---|---|---|");
		cpuSeconds.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
			.limit(12)
			.forEach((e) -> System.out
				.println("| `" + e.getKey() + "` | " + String.format(Locale.ROOT, "%.1f", e.getValue()) + " | "
						+ String.format(Locale.ROOT, "%.2f", peakCores.get(e.getKey())) + " |"));
		tally.print();
	}

	private static String name(RecordedFrame frame) {
		return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
	}

}

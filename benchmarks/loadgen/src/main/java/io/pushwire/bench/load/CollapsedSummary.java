package io.pushwire.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Summarises async-profiler's collapsed stacks (written with {@code threads,ann}, as
 * {@code benchmarks/run.sh} does with {@code PROFILE=async}): samples by thread, by the
 * frame on top of the stack (self; kernel frames end in {@code [k]}), and by frame
 * anywhere on the stack (inclusive), optionally only for frames matching a pattern.
 * <p>
 * {@code java -jar loadgen.jar collapsed <file.collapsed> [frame regex, default
 * io.pushwire.] [top, default 25] [thread regex: only samples of matching threads]}
 */
final class CollapsedSummary {

	private static final Pattern THREAD = Pattern.compile("^\\[(.*?)( tid=\\d+)?\\]$");

	private CollapsedSummary() {
	}

	static void main(String[] args) throws IOException {
		Path file = Path.of(args[0]);
		Pattern focus = Pattern.compile((args.length > 1) ? args[1] : "io.pushwire.");
		int top = (args.length > 2) ? Integer.parseInt(args[2]) : 25;
		Pattern onlyThreads = Pattern.compile((args.length > 3) ? args[3] : ".*");
		StackTally tally = new StackTally(focus, top);
		List<String> lines = Files.readAllLines(file);
		for (String line : lines) {
			int space = line.lastIndexOf(' ');
			if (space < 0) {
				continue;
			}
			int count = Integer.parseInt(line.substring(space + 1));
			String[] frames = line.substring(0, space).split(";");
			var thread = THREAD.matcher(frames[0]);
			String threadName = thread.matches() ? thread.group(1) : "?";
			if (!onlyThreads.matcher(threadName).find()) {
				continue;
			}
			tally.add(threadName, count);
			int first = thread.matches() ? 1 : 0;
			if (frames.length <= first) {
				continue;
			}
			List<String> names = new ArrayList<>();
			for (int i = first; i < frames.length; i++) {
				names.add(name(frames[i], false));
			}
			tally.addFrames(name(frames[frames.length - 1], true), names, count);
		}
		System.out.println("samples: " + tally.total() + " (" + file.getFileName() + ")");
		tally.print();
	}

	/**
	 * A frame's name: Java frames with dots, their annotation dropped ({@code _[j]}
	 * compiled, {@code _[i]} inlined, {@code _[0]} interpreted); kernel frames keep
	 * {@code [k]} when on top.
	 * @param frame the frame as written
	 * @param top whether it is the top of its stack
	 * @return the name
	 */
	private static String name(String frame, boolean top) {
		String name = frame;
		boolean kernel = name.endsWith("_[k]");
		if (name.endsWith("]") && name.length() > 4 && name.charAt(name.length() - 4) == '_') {
			name = name.substring(0, name.length() - 4);
		}
		name = name.replace('/', '.');
		return (kernel && top) ? name + " [k]" : name;
	}

}

package io.pushwire.bench.load;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * CPU samples counted by thread group, by the frame on top of the stack (self) and by
 * frame anywhere on the stack (inclusive, once per sample), and printed as Markdown
 * tables; shared by {@link JfrSummary} and {@link CollapsedSummary}.
 */
final class StackTally {

	private final Pattern focus;

	private final int top;

	private final Map<String, Integer> threads = new HashMap<>();

	private final Map<String, Integer> self = new HashMap<>();

	private final Map<String, Integer> inclusive = new HashMap<>();

	private final Map<String, Integer> focusInclusive = new HashMap<>();

	private int total;

	/**
	 * Create a tally.
	 * @param focus the frames of the last table
	 * @param top how many rows each table prints
	 */
	StackTally(Pattern focus, int top) {
		this.focus = focus;
		this.top = top;
	}

	/**
	 * Count a sample without a stack.
	 * @param thread the sampled thread's name
	 * @param count how many samples
	 */
	void add(String thread, int count) {
		this.total += count;
		this.threads.merge(group(thread), count, Integer::sum);
	}

	/**
	 * Count a sample's frames.
	 * @param top the frame on top of the stack
	 * @param frames every frame's name, in any order
	 * @param count how many samples
	 */
	void addFrames(String top, Iterable<String> frames, int count) {
		this.self.merge(top, count, Integer::sum);
		Set<String> seen = new HashSet<>();
		for (String name : frames) {
			if (seen.add(name)) {
				this.inclusive.merge(name, count, Integer::sum);
				if (this.focus.matcher(name).find()) {
					this.focusInclusive.merge(name, count, Integer::sum);
				}
			}
		}
	}

	/**
	 * The samples counted.
	 * @return the count
	 */
	int total() {
		return this.total;
	}

	/**
	 * Print the tables: threads, self, inclusive, inclusive of the focus.
	 */
	void print() {
		print("threads", this.threads);
		print("self (top of stack)", this.self);
		print("inclusive", this.inclusive);
		print("inclusive, " + this.focus.pattern(), this.focusInclusive);
	}

	/**
	 * A thread's group: its name without a trailing number.
	 * @param thread the thread's name
	 * @return the group
	 */
	static String group(String thread) {
		return thread.replaceAll("-?\\d+$", "-N");
	}

	private void print(String title, Map<String, Integer> counts) {
		System.out.println();
		System.out.println("| " + title + " | samples | share |");
		System.out.println("|---|---|---|");
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(this.top)
			.forEach((e) -> System.out.println("| `" + e.getKey() + "` | " + e.getValue() + " | "
					+ String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue() / this.total) + " |"));
	}

}

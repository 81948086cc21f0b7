package io.pushwire.bench.load;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The load generator's command line: {@code --name value} pairs.
 *
 * @param target the server
 * @param scenario A to F
 * @param port the server's port
 * @param pid the server's process id (for CPU and RSS)
 * @param connections N subscribers
 * @param messages M messages (burst scenarios)
 * @param rate R messages per second (steady scenarios)
 * @param durationSeconds how long to publish at {@code rate}
 * @param connectConcurrency connections opened at once
 * @param slowFraction share of subscribers that stop reading for a while (scenario D)
 * @param slowPauseMillis how long they stop reading
 * @param slowReceiveBuffer SO_RCVBUF of the slow subscribers' sockets, 0 for the system's
 * default
 * @param behind frames published while every client is away (scenario E)
 * @param loops event-loop threads of the load generator
 * @param out where to write the results ({@code key=value} lines), or {@code null}
 * @param round the round number, recorded with the results
 * @param publish {@code server} (the server publishes, {@code POST /bench/publish}) or
 * {@code http} (the load generator publishes over HTTP, or STOMP {@code SEND})
 * @param publishConcurrency HTTP publish requests in flight at most
 * @param subscriberPorts the ports subscribers connect to in turn (several nodes on one
 * Redis, {@code --subscriber-ports 8081,8082}), or {@code null} for {@code port}; the
 * publishes and the server probe stay on {@code port}
 * @param format the pushwire subscribers' wire format: {@code json} (the default),
 * {@code msgpack} or {@code cbor} ({@code ?format=}, binary frames)
 * @param payloadBytes the size of each published payload's JSON, 0 for the standard
 * payload of about 100 bytes (bodies of 512 bytes or more are zstd-compressed in binary
 * formats)
 */
record Options(Target target, String scenario, int port, long pid, int connections, int messages, double rate,
		int durationSeconds, int connectConcurrency, double slowFraction, long slowPauseMillis, int slowReceiveBuffer,
		int behind, int loops, String out, int round, String publish, int publishConcurrency, String subscriberPorts,
		String format, int payloadBytes) {

	static Options parse(String[] args) {
		Map<String, String> values = new HashMap<>();
		for (int i = 0; i + 1 < args.length; i += 2) {
			if (!args[i].startsWith("--")) {
				throw new IllegalArgumentException("Expected --name value pairs, got '" + args[i] + "'");
			}
			values.put(args[i].substring(2), args[i + 1]);
		}
		Target target = Target.valueOf(values.getOrDefault("target", "pushwire").toUpperCase(Locale.ROOT));
		String scenario = values.getOrDefault("scenario", "A").toUpperCase(Locale.ROOT);
		Map<String, String> defaults = defaults(scenario);
		defaults.putAll(values);
		values = defaults;
		return new Options(target, scenario, Integer.parseInt(values.getOrDefault("port", "" + target.defaultPort())),
				Long.parseLong(values.getOrDefault("pid", "-1")), Integer.parseInt(values.get("connections")),
				Integer.parseInt(values.getOrDefault("messages", "0")),
				Double.parseDouble(values.getOrDefault("rate", "0")),
				Integer.parseInt(values.getOrDefault("duration", "10")),
				Integer.parseInt(values.getOrDefault("connect-concurrency", "200")),
				Double.parseDouble(values.getOrDefault("slow-fraction", "0")),
				Long.parseLong(values.getOrDefault("slow-pause-ms", "0")),
				Integer.parseInt(values.getOrDefault("slow-rcvbuf", "0")),
				Integer.parseInt(values.getOrDefault("behind", "0")),
				Integer.parseInt(values.getOrDefault("loops", "" + Runtime.getRuntime().availableProcessors())),
				values.get("out"), Integer.parseInt(values.getOrDefault("round", "1")),
				values.getOrDefault("publish", (target == Target.SAMPLE) ? "http" : "server"),
				Integer.parseInt(values.getOrDefault("publish-concurrency", "4")), values.get("subscriber-ports"),
				values.getOrDefault("format", "json"), Integer.parseInt(values.getOrDefault("payload-bytes", "0")));
	}

	/** The sizes the issue names for each scenario. */
	private static Map<String, String> defaults(String scenario) {
		Map<String, String> defaults = new HashMap<>();
		switch (scenario) {
			case "A", "F" -> {
				defaults.put("connections", "1000");
				defaults.put("messages", "2000");
			}
			case "B" -> {
				defaults.put("connections", "2000");
				defaults.put("rate", "25");
				defaults.put("duration", "10");
			}
			case "C" -> defaults.put("connections", "10000");
			case "D" -> {
				defaults.put("connections", "2000");
				defaults.put("rate", "500");
				defaults.put("duration", "10");
				defaults.put("slow-fraction", "0.1");
				defaults.put("slow-pause-ms", "6000");
				// A stalled client's kernel would otherwise take megabytes on loopback
				// (auto-tuned up to
				// tcp_rmem's maximum) before the server sees it stall.
				defaults.put("slow-rcvbuf", "65536");
			}
			case "E" -> {
				defaults.put("connections", "5000");
				defaults.put("behind", "200");
				defaults.put("connect-concurrency", "1000");
			}
			case "P" -> defaults.put("connections", "0");
			default -> throw new IllegalArgumentException("Unknown scenario " + scenario + "; use A to F or P");
		}
		return defaults;
	}

}

package io.pushwire.sample;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import reactor.core.publisher.Flux;

import io.pushwire.client.PushClient;
import io.pushwire.client.PushClientEvent;
import io.pushwire.client.RetryStrategy;

/**
 * A command-line consumer: connects to a running sample server with {@link PushClient}
 * and prints every frame of the given channels, reconnecting and resuming when the server
 * restarts. <pre>
 * ./mvnw -pl sample-app exec:java -Dexec.mainClass=io.pushwire.sample.ConsoleConsumer \
 *     -Dexec.args="http://localhost:8080/rps alice alice-pass ticker chat:lobby"
 * </pre> or run it from the IDE. Arguments: base URL, user, password, channels (defaults:
 * {@code http://localhost:8080/rps alice alice-pass ticker}).
 */
public final class ConsoleConsumer {

	private ConsoleConsumer() {
	}

	/**
	 * Run the consumer until interrupted.
	 * @param args base URL, user, password, channels...
	 */
	public static void main(String[] args) {
		String baseUrl = (args.length > 0) ? args[0] : "http://localhost:8080/rps";
		String user = (args.length > 1) ? args[1] : "alice";
		String password = (args.length > 2) ? args[2] : "alice-pass";
		List<String> channels = (args.length > 3) ? Arrays.asList(args).subList(3, args.length) : List.of("ticker");
		PushClient client = PushClient.builder()
			.baseUrl(baseUrl)
			.basicAuth(user, password)
			.channels(channels)
			.retryStrategy(RetryStrategy.preset(RetryStrategy.Preset.FAST, new java.util.Random()))
			.build();
		client.events()
			.filter((event) -> !(event instanceof PushClientEvent.ReplayComplete))
			.subscribe((event) -> System.out.println("# " + event));
		Runtime.getRuntime().addShutdownHook(new Thread(() -> client.disconnect().block(Duration.ofSeconds(5))));
		Flux.merge(client.connect().thenMany(Flux.never()), client.frames())
			.cast(io.pushwire.client.PushFrame.class)
			.doOnNext((frame) -> System.out.println(frame.channel() + " #" + frame.cursor() + " " + frame.payload()))
			.blockLast();
	}

}

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Traffic against the sample app for docs/grafana/check.sh, so that every panel of
 * pushwire.json has something to show: WebSocket clients that chat (received frames,
 * handler observations, deliveries), publications over HTTP, a refused token (auth
 * failures), a flood (rate_limited), resumes (replay frames, resume_required) and a
 * client that stops reading while large frames are published (slow, then shed 4008).
 * Run with a JDK 17+: java docs/grafana/Traffic.java http://localhost:8095 60
 */
public class Traffic {

	static final HttpClient http = HttpClient.newHttpClient();

	static String base;

	static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("alice:alice-pass".getBytes());

	public static void main(String[] args) throws Exception {
		base = (args.length > 0) ? args[0] : "http://localhost:8095";
		long seconds = (args.length > 1) ? Long.parseLong(args[1]) : 60;
		List<WebSocket> chatters = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			chatters.add(connect("{\"type\":\"auth\",\"capabilities\":[\"chat:lobby\",\"ticker\"]}", true));
		}
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		int round = 0;
		while (System.nanoTime() < end) {
			for (WebSocket chatter : chatters) {
				send(chatter, "{\"channel\":\"chat:lobby\",\"payload\":{\"text\":\"hello " + round + "\"}}");
			}
			publish("{\"channel\":\"chat:lobby\",\"payload\":{\"text\":\"from HTTP " + round + "\"}}");
			if (round % 10 == 0) {
				// A refused token: pushwire.auth.failures{reason=unauthorized}.
				connect("{\"type\":\"auth\",\"token\":\"not-a-jwt\",\"capabilities\":[\"ticker\"]}", false);
				// Resumes: one from cursor 1 (replayed, or resume_required once the window
				// moved past it), one from another epoch (resume_required).
				connect("{\"type\":\"auth\",\"capabilities\":[\"ticker\"],\"resume_cursors\":{\"ticker\":1}}", false)
					.sendClose(1000, "");
				connect("{\"type\":\"auth\",\"capabilities\":[\"ticker\"],\"resume_cursors\":{\"ticker\":1},"
						+ "\"resume_epochs\":{\"ticker\":\"other-epoch\"}}", false)
					.sendClose(1000, "");
				// A flood past max-inbound-burst: pushwire.rate_limited{limit=inbound_rate}.
				WebSocket flooder = connect("{\"type\":\"auth\",\"capabilities\":[]}", true);
				for (int i = 0; i < 300; i++) {
					// Closed with 1008 after a burst of refusals: later sends fail.
					flooder.sendText("{\"type\":\"ack\",\"cursors\":{}}", true).exceptionally((ex) -> null).join();
				}
				// A client that stops reading while 2 MB are published to it: slow, then
				// shed (4008) past max-queued-bytes.
				connect("{\"type\":\"auth\",\"capabilities\":[\"chat:bulk\"]}", false);
				String big = "x".repeat(64 * 1024);
				for (int i = 0; i < 32; i++) {
					publish("{\"channel\":\"chat:bulk\",\"payload\":{\"text\":\"" + big + "\"}}");
				}
			}
			round++;
			Thread.sleep(500);
		}
		for (WebSocket chatter : chatters) {
			// The server may have closed it meanwhile (a shutdown, a heartbeat timeout).
			chatter.sendClose(1000, "").exceptionally((ex) -> null).join();
		}
		System.out.println("traffic: " + round + " rounds");
	}

	/** One send at a time per socket (the main thread's frames and the listener's pongs). */
	static void send(WebSocket socket, String text) {
		synchronized (socket) {
			socket.sendText(text, true).exceptionally((ex) -> null).join();
		}
	}

	static void publish(String body) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/demo/publish"))
			.header("Authorization", BASIC)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
		HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IllegalStateException("POST /demo/publish: " + response.statusCode() + " " + response.body());
		}
	}

	/** A WebSocket signed in with HTTP Basic that sends auth; reads only if told to. */
	static WebSocket connect(String auth, boolean reads) throws Exception {
		WebSocket socket = http.newWebSocketBuilder()
			.header("Authorization", BASIC)
			.connectTimeout(Duration.ofSeconds(10))
			.buildAsync(URI.create(base.replace("http", "ws") + "/rps"), new WebSocket.Listener() {
				@Override
				public void onOpen(WebSocket webSocket) {
					// One message: the reader that stops reading never asks for more.
					webSocket.request(1);
				}

				@Override
				public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
					if (reads) {
						// PROTOCOL.md: a client MUST answer ping, or it is closed with 4010
						// once silent for heartbeat + 10 s (a heavy round can take that long).
						if (data.toString().contains("\"type\":\"ping\"")) {
							send(webSocket, "{\"type\":\"pong\"}");
						}
						webSocket.request(1);
					}
					return CompletableFuture.completedFuture(null);
				}
			})
			.get(10, TimeUnit.SECONDS);
		socket.sendText(auth, true).get(10, TimeUnit.SECONDS);
		return socket;
	}

}

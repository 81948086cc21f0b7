package io.pushwire.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} for the sample's tests (Debian's {@code redis-server} package),
 * on a free port, empty and without persistence; or the Redis of
 * {@code PUSHWIRE_TEST_REDIS_URL}. A trimmed copy of the library's test fixture
 * {@code RedisTestServer}, whose test classes the sample cannot see. When neither is
 * there, the test fails naming what to install: Redis tests never skip silently.
 */
final class SampleRedisServer implements AutoCloseable {

	private static final String URL_VARIABLE = "PUSHWIRE_TEST_REDIS_URL";

	private final String url;

	private final Process process;

	private SampleRedisServer(String url, Process process) {
		this.url = url;
		this.process = process;
	}

	static SampleRedisServer start() {
		String external = System.getenv(URL_VARIABLE);
		if (external != null && !external.isBlank()) {
			return new SampleRedisServer(external, null);
		}
		String executable = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")
			.stream()
			.filter((path) -> Files.isExecutable(Path.of(path)))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The sample's Redis tests need redis-server "
					+ "(apt-get install redis-server) or " + URL_VARIABLE + "=redis://host:port"));
		int port = freePort();
		try {
			Process process = new ProcessBuilder(executable, "--port", Integer.toString(port), "--bind", "127.0.0.1",
					"--save", "", "--appendonly", "no", "--protected-mode", "no")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			SampleRedisServer server = new SampleRedisServer("redis://127.0.0.1:" + port, process);
			server.awaitReady(port);
			return server;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + executable, ex);
		}
	}

	String url() {
		return this.url;
	}

	private void awaitReady(int port) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (System.nanoTime() < deadline) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
				socket.setSoTimeout(1000);
				OutputStream out = socket.getOutputStream();
				out.write("PING\r\n".getBytes(StandardCharsets.UTF_8));
				out.flush();
				String reply = new BufferedReader(
						new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
					.readLine();
				if ("+PONG".equals(reply)) {
					return;
				}
			}
			catch (IOException ex) {
				// Not listening yet: waiting for the process is all there is to do.
				if (!this.process.isAlive()) {
					throw new IllegalStateException("redis-server exited with " + this.process.exitValue());
				}
				Thread.onSpinWait();
			}
		}
		throw new IllegalStateException("redis-server did not answer PING on port " + port + " within 20 s");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		if (this.process != null) {
			this.process.destroyForcibly();
		}
	}

}

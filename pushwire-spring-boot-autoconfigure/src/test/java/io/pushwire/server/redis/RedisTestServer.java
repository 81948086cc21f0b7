package io.pushwire.server.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real {@code redis-server} for tests: Debian's package started on a free port, or the
 * server that {@code PUSHWIRE_TEST_REDIS_URL} names. Without either, a test that needs
 * Redis fails with a message that says how to get one; it never skips.
 * <p>
 * {@link #shared()} is one server for the whole test JVM (tests keep apart through their
 * own key prefixes or {@link #flushAll()}); {@link #startDedicated()} is a server of the
 * test's own, which it may {@link #stop()} and {@link #start()} again on the same port
 * (empty, as a Redis restarted without persistence).
 */
public final class RedisTestServer implements AutoCloseable {

	/** The environment variable that names an external Redis to use instead. */
	public static final String URL_VARIABLE = "PUSHWIRE_TEST_REDIS_URL";

	private static final String[] EXECUTABLES = { "/usr/bin/redis-server", "/usr/local/bin/redis-server" };

	private static final long START_TIMEOUT_SECONDS = 20;

	private static RedisTestServer shared;

	private final String host;

	private final int port;

	private final String executable;

	private Process process;

	/** More arguments of redis-server (persistence), empty by default. */
	private final List<String> options = new ArrayList<>();

	private RedisTestServer(String host, int port, String executable) {
		this.host = host;
		this.port = port;
		this.executable = executable;
	}

	/**
	 * Start a server of the caller's own that writes every command to an append-only file
	 * before answering it ({@code appendfsync always}), so that a crash ({@link #stop()})
	 * and {@link #start()} keep every acknowledged write, as a Redis run with persistence
	 * does.
	 * @param directory where the append-only file is written
	 * @return the started server
	 */
	public static RedisTestServer startDedicatedPersistent(java.nio.file.Path directory) {
		String executable = executable();
		RedisTestServer server = new RedisTestServer("127.0.0.1", freePort(), executable);
		// Redis writes the append-only file before it answers; without fsync the write
		// is in the kernel's cache, which a crash of the process (not of the machine)
		// keeps, and a loaded test machine does not stall on the disk.
		server.options.addAll(
				List.of("--appendonly", "yes", "--appendfsync", "no", "--dir", directory.toAbsolutePath().toString()));
		server.start();
		return server;
	}

	/**
	 * The server shared by every test of this JVM, started on first use and stopped when
	 * the JVM exits.
	 * @return the shared server
	 */
	public static synchronized RedisTestServer shared() {
		if (shared == null) {
			String url = System.getenv(URL_VARIABLE);
			if (url != null && !url.isBlank()) {
				URI uri = URI.create(url);
				shared = new RedisTestServer(uri.getHost(), (uri.getPort() != -1) ? uri.getPort() : 6379, null);
			}
			else {
				RedisTestServer server = startDedicated();
				Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-test-server-stop"));
				shared = server;
			}
		}
		return shared;
	}

	/**
	 * Start a server of the caller's own on a free port; the caller closes it.
	 * @return the started server
	 */
	public static RedisTestServer startDedicated() {
		return startDedicated(new String[0]);
	}

	/**
	 * Start a server of the caller's own on a free port, with more arguments of
	 * {@code redis-server} (such as {@code --rename-command SPUBLISH ""} for a server
	 * without sharded pub/sub); the caller closes it.
	 * @param options the arguments
	 * @return the started server
	 */
	public static RedisTestServer startDedicated(String... options) {
		String executable = executable();
		IllegalStateException failure = null;
		for (int attempt = 0; attempt < 3; attempt++) {
			RedisTestServer server = new RedisTestServer("127.0.0.1", freePort(), executable);
			server.options.addAll(List.of(options));
			try {
				server.start();
				return server;
			}
			catch (IllegalStateException ex) {
				// Another process may have taken the free port in between: try another
				// one.
				failure = ex;
			}
		}
		throw failure;
	}

	/**
	 * The server's URL, as {@code spring.data.redis.url} takes it.
	 * @return the URL, such as {@code redis://127.0.0.1:40001}
	 */
	public String url() {
		return "redis://" + this.host + ":" + this.port;
	}

	/**
	 * The server's host.
	 * @return the host
	 */
	public String host() {
		return this.host;
	}

	/**
	 * The server's port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Start the server (again) on its port, empty (unless it was started persistent), and
	 * wait until it accepts connections.
	 */
	public synchronized void start() {
		if (this.executable == null) {
			throw new IllegalStateException("The Redis at " + url() + " comes from " + URL_VARIABLE
					+ " and cannot be started or stopped by a test");
		}
		if (this.process != null && this.process.isAlive()) {
			return;
		}
		List<String> command = new ArrayList<>(
				List.of(this.executable, "--port", Integer.toString(this.port), "--bind", this.host, "--save", "",
						"--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--loglevel", "notice"));
		// Later arguments win: a persistent server's options replace --appendonly no.
		command.addAll(this.options);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + this.executable, ex);
		}
		awaitReady(this.process);
		drain(this.process.getInputStream());
	}

	/**
	 * Stop the server as a crash would (SIGKILL): connections drop, nothing is saved.
	 */
	public synchronized void stop() {
		if (this.executable == null) {
			throw new IllegalStateException("The Redis at " + url() + " comes from " + URL_VARIABLE
					+ " and cannot be started or stopped by a test");
		}
		if (this.process != null) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.process = null;
		}
	}

	/**
	 * Remove every key of every database.
	 */
	public void flushAll() {
		command("FLUSHALL");
	}

	/**
	 * Send one inline command and return the server's first reply line.
	 * @param command the command, such as {@code PING}
	 * @return the reply's first line, such as {@code +PONG}
	 */
	public String command(String command) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(this.host, this.port), 5000);
			socket.setSoTimeout(5000);
			OutputStream out = socket.getOutputStream();
			out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			return reader.readLine();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Redis at " + url() + " did not answer " + command, ex);
		}
	}

	@Override
	public void close() {
		if (this.executable != null) {
			stop();
		}
	}

	private void awaitReady(Process process) {
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		StringBuilder output = new StringBuilder();
		CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
			try {
				String line;
				while ((line = reader.readLine()) != null) {
					output.append(line).append('\n');
					if (line.contains("Ready to accept connections")) {
						return true;
					}
				}
				return false;
			}
			catch (IOException ex) {
				return false;
			}
		});
		boolean started;
		try {
			started = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			started = false;
		}
		catch (ExecutionException | TimeoutException ex) {
			started = false;
		}
		if (!started) {
			process.destroyForcibly();
			throw new IllegalStateException("redis-server did not start on port " + this.port + ":\n" + output);
		}
	}

	private static void drain(InputStream output) {
		Thread drainer = new Thread(() -> {
			try {
				output.transferTo(OutputStream.nullOutputStream());
			}
			catch (IOException ex) {
				// The process ended.
			}
		}, "redis-test-server-output");
		drainer.setDaemon(true);
		drainer.start();
	}

	private static String executable() {
		for (String candidate : EXECUTABLES) {
			if (new File(candidate).canExecute()) {
				return candidate;
			}
		}
		throw new IllegalStateException("This test needs Redis: install Debian's redis-server package "
				+ "(apt-get install redis-server; .ci/run does) or set " + URL_VARIABLE
				+ " to the URL of a Redis it may flush");
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

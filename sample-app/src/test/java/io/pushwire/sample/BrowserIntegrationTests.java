package io.pushwire.sample;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import io.pushwire.client.PushClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo page in a real browser: starts the sample app on a random port, installs the
 * browser tests' one dependency ({@code npm ci}: playwright-core, which drives Debian's
 * {@code chromium}) and runs {@code node --test browser-tests/} against it. Without Node
 * or Chromium the test is skipped on a developer's machine, and fails in CI
 * ({@code CI=true}), where it must run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BrowserIntegrationTests {

	private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

	@LocalServerPort
	int port;

	@Test
	void demoPageWorksInChromium() throws IOException, InterruptedException {
		boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
		boolean ready = works(List.of("node", "--version")) && works(List.of("npm", "--version"))
				&& new File(CHROMIUM).canExecute();
		if (!ready) {
			assertThat(ci).as("node, npm and " + CHROMIUM + " are needed for the browser tests in CI").isFalse();
			Assumptions.abort("node, npm or " + CHROMIUM + " is missing: the browser tests did not run");
		}
		Path artifacts = Path.of("target", "browser-tests");
		Files.createDirectories(artifacts);
		run(List.of("npm", "ci", "--no-audit", "--no-fund"), artifacts.resolve("npm-ci.log"), 5);
		// A Java PushClient in the room that one browser test types into: a message typed
		// on the page
		// must reach it as it reaches other pages.
		String room = "java-" + java.util.UUID.randomUUID().toString().substring(0, 8);
		PushClient java = PushClient.builder()
			.baseUrl("http://localhost:" + this.port + "/rps")
			.token(bobsToken())
			.channels("chat:" + room)
			.build();
		List<JsonNode> received = new java.util.concurrent.CopyOnWriteArrayList<>();
		java.frames().subscribe((frame) -> received.add(frame.payload()));
		java.connect().block(Duration.ofSeconds(30));
		String output;
		try {
			output = run(List.of("node", "--test", "--test-concurrency=1", "browser-tests/"),
					artifacts.resolve("node-test.log"), 5, room);
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(received).anySatisfy((payload) -> {
				assertThat(payload.path("from").asString()).isEqualTo("alice");
				assertThat(payload.path("text").asString()).isEqualTo("hello java");
			}));
		}
		finally {
			java.disconnect().block(Duration.ofSeconds(10));
		}
		assertThat(output).contains("# fail 0").doesNotContain("# pass 0");
		assertThat(artifacts.resolve("demo.png")).exists();
	}

	private String bobsToken() {
		JsonNode body = WebClient.create("http://localhost:" + this.port)
			.post()
			.uri("/demo/token")
			.headers((headers) -> headers.setBasicAuth("bob", "bob-pass"))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(Duration.ofSeconds(30));
		assertThat(body).isNotNull();
		return body.path("token").asString();
	}

	private String run(List<String> command, Path log, int minutes) throws IOException, InterruptedException {
		return run(command, log, minutes, null);
	}

	private String run(List<String> command, Path log, int minutes, String javaRoom)
			throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("BASE_URL", "http://localhost:" + this.port);
		builder.environment().put("CHROMIUM", CHROMIUM);
		if (javaRoom != null) {
			builder.environment().put("JAVA_CLIENT_ROOM", javaRoom);
		}
		Process process = builder.start();
		boolean finished = process.waitFor(minutes, TimeUnit.MINUTES);
		if (!finished) {
			process.destroyForcibly();
		}
		String output = Files.readString(log, StandardCharsets.UTF_8);
		System.out.println(output);
		assertThat(finished).as(command + " finished within " + minutes + " minutes").isTrue();
		assertThat(process.exitValue()).as(command + " exit code\n" + output).isZero();
		return output;
	}

	private static boolean works(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}

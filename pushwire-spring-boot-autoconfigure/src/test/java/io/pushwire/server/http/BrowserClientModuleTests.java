package io.pushwire.server.http;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the unit tests of {@code pushwire-client.js} ({@code src/test/js}, Node's built-in
 * test runner with fake timers) from the Maven build. Without Node they are skipped,
 * except in CI ({@code CI=true}), where a missing Node fails the build.
 */
class BrowserClientModuleTests {

	@Test
	void nodeUnitTestsOfTheClientModulePass() throws IOException, InterruptedException {
		boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
		boolean hasNode = hasNode();
		if (!hasNode) {
			assertThat(ci).as("Node.js 20+ is needed for the browser client's tests in CI").isFalse();
			Assumptions.abort("node is not installed: the browser client's unit tests did not run");
		}
		Path log = Files.createTempFile("pushwire-client-tests", ".log");
		Process process = new ProcessBuilder("node", "--test", "src/test/js/").redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		boolean finished = process.waitFor(2, TimeUnit.MINUTES);
		if (!finished) {
			process.destroyForcibly();
		}
		String output = Files.readString(log, StandardCharsets.UTF_8);
		System.out.println(output);
		assertThat(finished).as("node --test finished in time").isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		assertThat(output).contains("# fail 0");
	}

	private static boolean hasNode() {
		try {
			Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true)
				.redirectOutput(new File(System.getProperty("java.io.tmpdir"), "pushwire-node-version.txt"))
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

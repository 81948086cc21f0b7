package io.pushwire.server.redis;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RedisTestServer}: the Redis that the Redis tests start is a real one
 * that stops and starts again, empty, on its port.
 */
class RedisTestServerTests {

	@Test
	void dedicatedServerAnswersStopsAndStartsAgainEmptyOnTheSamePort() throws IOException {
		try (RedisTestServer server = RedisTestServer.startDedicated()) {
			assertThat(server.command("PING")).isEqualTo("+PONG");
			assertThat(server.command("SET pushwire:test 1")).isEqualTo("+OK");
			server.stop();
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress(server.host(), server.port()), 2000);
				}
			});
			server.start();
			assertThat(server.command("EXISTS pushwire:test")).isEqualTo(":0");
		}
	}

	@Test
	void sharedServerIsTheSameForEveryCaller() {
		RedisTestServer server = RedisTestServer.shared();
		assertThat(RedisTestServer.shared()).isSameAs(server);
		assertThat(server.command("PING")).isEqualTo("+PONG");
	}

}

package io.pushwire.autoconfigure.security;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;

import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tokens, good or bad, in the {@code token} query parameter or in {@code auth.token},
 * never reach the logs, even with pushwire, Spring Web and Spring Security logging at
 * TRACE.
 * <p>
 * One logger is left out: Spring Framework's {@code HttpWebHandlerAdapter} logs every
 * request's full URI, query included, at DEBUG. That is the framework's, not pushwire's,
 * and docs/security.md tells users to keep it off (or turn query tokens off) in
 * production.
 */
@SpringBootTest(classes = JwtResourceServerIntegrationTests.JwtApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal", "logging.level.io.pushwire=TRACE",
				"logging.level.org.springframework.web=TRACE", "logging.level.org.springframework.security=TRACE",
				"logging.level.org.springframework.http=TRACE",
				"logging.level.org.springframework.web.server.adapter.HttpWebHandlerAdapter=INFO" })
@ExtendWith(OutputCaptureExtension.class)
class QueryTokenLoggingIntegrationTests {

	@LocalServerPort
	int port;

	@Test
	void tokensAreNeverLogged(CapturedOutput output) {
		String good = JwtResourceServerIntegrationTests.token("alice");
		String bad = JwtResourceServerIntegrationTests.tokenSignedWith(JwtResourceServerIntegrationTests.OTHER_KEY,
				"alice");
		SecurityTestSupport.sseAuthOk(this.port, "channels=chat:log&token=" + good, SecurityTestSupport.none());
		assertThat(
				SecurityTestSupport.sseStatus(this.port, "channels=chat:log&token=" + bad, SecurityTestSupport.none()))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		assertThat(SecurityTestSupport.sseStatus(this.port, "channels=chat:log&token=not-a-jwt-secret",
				SecurityTestSupport.none()))
			.isEqualTo(HttpStatus.UNAUTHORIZED);
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.auth(good, null, List.of("chat:log"));
		}
		try (TestWebSocketClient client = TestWebSocketClient.connect(this.port)) {
			client.send("{\"type\":\"auth\",\"token\":\"" + bad + "\",\"capabilities\":[]}");
			assertThat(client.awaitClose().code()).isEqualTo(4001);
		}
		assertThat(output.getAll()).contains("/rps/sse")
			.doesNotContain(signature(good), signature(bad), "not-a-jwt-secret");
	}

	private static String signature(String jwt) {
		return jwt.substring(jwt.lastIndexOf('.') + 1);
	}

}

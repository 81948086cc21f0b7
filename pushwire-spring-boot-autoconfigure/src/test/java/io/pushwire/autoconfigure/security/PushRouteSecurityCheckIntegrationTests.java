package io.pushwire.autoconfigure.security;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup check against real servers: what it reports is what clients meet. A chain
 * that requires authentication on the push routes refuses the real WebSocket upgrade and
 * SSE request with the status the WARN named; {@code anyExchange().authenticated()} on
 * Spring's injected {@code ServerHttpSecurity} lets the upgrade through (Spring Security
 * 7 applies the {@code PushwireSecurityCustomizer} bean to it), and the check says
 * nothing.
 */
@ExtendWith(OutputCaptureExtension.class)
class PushRouteSecurityCheckIntegrationTests {

	private static final String WARNING = "refuses requests without credentials to pushwire's routes";

	@Test
	void whatTheWarningNamesIsWhatARealClientMeets(CapturedOutput output) throws IOException {
		try (ConfigurableApplicationContext context = start(BlockingApplication.class)) {
			assertThat(output.getAll()).contains(WARNING, "GET /rps (WebSocket upgrade): 401",
					"GET /rps/sse (SSE): 401");
			int port = port(context);
			assertThat(upgradeStatus(port)).isEqualTo(401);
			assertThat(SecurityTestSupport.sseStatus(port, "channels=chat:x", SecurityTestSupport.none()))
				.isEqualTo(HttpStatus.UNAUTHORIZED);
		}
	}

	@Test
	void anyExchangeAuthenticatedOnTheInjectedServerHttpSecurityLetsTheUpgradeThrough(CapturedOutput output)
			throws IOException {
		try (ConfigurableApplicationContext context = start(AuthenticatedEverywhereApplication.class)) {
			assertThat(upgradeStatus(port(context))).isEqualTo(101);
			assertThat(output.getAll()).doesNotContain(WARNING);
		}
	}

	private static ConfigurableApplicationContext start(Class<?> application) {
		return new SpringApplicationBuilder(application)
			.properties("server.port=0", "pushwire.server.channels.chat.priority=normal")
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/** The status of an anonymous WebSocket upgrade of {@code /rps}. */
	private static int upgradeStatus(int port) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET /rps HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
					+ "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
					+ "Sec-WebSocket-Version: 13\r\n\r\n")
				.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder statusLine = new StringBuilder();
			int next;
			while ((next = in.read()) != -1 && next != '\r') {
				statusLine.append((char) next);
			}
			// "HTTP/1.1 101 Switching Protocols"
			return Integer.parseInt(statusLine.toString().split(" ")[1]);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration")
	@Import({ SecurityTestSupport.Channels.class, SecurityTestSupport.Users.class })
	static class BlockingApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain() {
			// Not the injected ServerHttpSecurity: no customizer bean is applied.
			return ServerHttpSecurity.http()
				.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
				.build();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration")
	@Import({ SecurityTestSupport.Channels.class, SecurityTestSupport.Users.class })
	static class AuthenticatedEverywhereApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http) {
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.httpBasic(Customizer.withDefaults());
			return http.build();
		}

	}

}

package io.pushwire.autoconfigure.security;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.web.reactive.function.client.WebClient;

import io.pushwire.security.PushwireSecurityCustomizer;
import io.pushwire.server.TestWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser client script, served by the starter behind an application's chain that
 * requires authentication everywhere else: public, cacheable with an ETag, its path
 * configurable, off on request.
 */
class BrowserClientIntegrationTests {

	ResponseEntity<String> get(int port, String path, String ifNoneMatch) {
		return WebClient.create("http://localhost:" + port).get().uri(path).headers((headers) -> {
			if (ifNoneMatch != null) {
				headers.set(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
			}
		}).exchangeToMono((response) -> response.toEntity(String.class)).block(TestWebSocketClient.TIMEOUT);
	}

	@Nested
	@SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
	class Default {

		@LocalServerPort
		int port;

		@Test
		void scriptIsServedWithoutCredentialsAsJavaScriptWithAnEtag() {
			ResponseEntity<String> response = get(this.port, "/rps/client.js", null);
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(response.getHeaders().getContentType().toString()).startsWith("text/javascript");
			assertThat(response.getHeaders().getETag()).matches("\"[0-9a-f]{64}\"");
			assertThat(response.getHeaders().getCacheControl()).contains("no-cache").contains("public");
			assertThat(response.getBody()).contains("export class PushwireClient");
		}

		@Test
		void unchangedScriptIsAnswered304ToItsEtag() {
			String etag = get(this.port, "/rps/client.js", null).getHeaders().getETag();
			ResponseEntity<String> response = get(this.port, "/rps/client.js", etag);
			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.NOT_MODIFIED);
			assertThat(response.getBody()).isNull();
		}

		@Test
		void otherPathsStillNeedCredentials() {
			assertThat(get(this.port, "/rps/client.jsx", null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
			assertThat(get(this.port, "/elsewhere", null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		}

	}

	@Nested
	@SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = "pushwire.server.browser-client.path=/js/pushwire.js")
	class CustomPath {

		@LocalServerPort
		int port;

		@Test
		void scriptIsServedAtTheConfiguredPathOnly() {
			assertThat(get(this.port, "/js/pushwire.js", null).getStatusCode()).isEqualTo(HttpStatus.OK);
			assertThat(get(this.port, "/rps/client.js", null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		}

	}

	@Nested
	@SpringBootTest(classes = SecuredApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
			properties = "pushwire.server.browser-client.enabled=false")
	class Disabled {

		@LocalServerPort
		int port;

		@Test
		void scriptIsNotServedAndItsPathIsNotOpened() {
			assertThat(get(this.port, "/rps/client.js", null).getStatusCode()).isEqualTo(HttpStatus.UNAUTHORIZED);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(SecurityTestSupport.Users.class)
	static class SecuredApplication {

		@Bean
		SecurityWebFilterChain securityWebFilterChain(ServerHttpSecurity http, PushwireSecurityCustomizer pushwire) {
			pushwire.customize(http);
			http.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated());
			http.httpBasic(Customizer.withDefaults());
			return http.build();
		}

	}

}

package io.pushwire.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The end-to-end tests' {@link PushTestApplication} on a random port with short timings;
 * tests with this annotation share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(classes = PushTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "pushwire.server.channels.chat.priority=normal",
				"pushwire.server.channels.chat.history-size=8192", "pushwire.server.channels.alerts.priority=high",
				"pushwire.server.channels.alerts.publish=none", "pushwire.server.channels.ticker.priority=low",
				"pushwire.server.channels.inbox.subscribe=owner", "pushwire.server.channels.small.history-size=10",
				"pushwire.server.channels.fail.priority=normal", "pushwire.server.channels.reject.priority=normal",
				"pushwire.server.heartbeat=400ms", "pushwire.server.heartbeat-grace=400ms",
				"pushwire.server.handshake-timeout=1s", "pushwire.server.max-message-size=4KB" })
public @interface PushIntegrationTest {

}

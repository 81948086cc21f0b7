package io.pushwire.autoconfigure.diagnostics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import io.pushwire.autoconfigure.InvalidPushwirePropertyException;
import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.autoconfigure.reactive.PushwireWebFluxAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InvalidPushwirePropertyFailureAnalyzer}.
 */
class InvalidPushwirePropertyFailureAnalyzerTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class,
				PushwireWebFluxAutoConfiguration.class, JacksonAutoConfiguration.class));

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					pushwire.server.path=rps/                                | pushwire.server.path                         | rps/
					pushwire.server.browser-client.path=client.js            | pushwire.server.browser-client.path          | client.js
					pushwire.server.channels.Chat.subscribe=authenticated    | pushwire.server.channels.Chat                | Chat
					pushwire.server.channels.system.subscribe=authenticated  | pushwire.server.channels.system              | system
					pushwire.server.channels.chat.subscribe=sometimes        | pushwire.server.channels.chat.subscribe      | sometimes
					pushwire.server.channels.chat.publish=role:              | pushwire.server.channels.chat.publish        | role:
					pushwire.server.channels.chat.history-size=-1            | pushwire.server.channels.chat.history-size   | -1
					pushwire.server.channels.chat.history-ttl=-1s            | pushwire.server.channels.chat.history-ttl    | PT-1S
					pushwire.server.channels.chat.wire-id=300                | pushwire.server.channels.chat.wire-id        | 300
					""")
	void analysisNamesThePropertyAndItsValue(String setting, String property, String value) {
		this.contextRunner.withPropertyValues(setting).run((context) -> {
			InvalidPushwirePropertyException failure = findCause(context.getStartupFailure(),
					InvalidPushwirePropertyException.class);
			assertThat(failure.getProperty()).isEqualTo(property);
			assertThat(String.valueOf(failure.getValue())).isEqualTo(value);
			FailureAnalysis analysis = new InvalidPushwirePropertyFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription())
				.startsWith("The property " + property + " has the invalid value '" + value + "'");
			assertThat(analysis.getAction()).isEqualTo("Change " + property + " in the application's configuration.");
		});
	}

	static <E extends Throwable> E findCause(Throwable failure, Class<E> type) {
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			if (type.isInstance(ex)) {
				return type.cast(ex);
			}
		}
		throw new AssertionError("No " + type.getSimpleName() + " in the causes of " + failure, failure);
	}

}

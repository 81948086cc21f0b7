package io.pushwire.autoconfigure.diagnostics;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.pushwire.autoconfigure.PushwireServerAutoConfiguration;
import io.pushwire.server.handler.PushHandler;
import io.pushwire.server.handler.UndeclaredChannelKindException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UndeclaredChannelKindFailureAnalyzer}.
 */
class UndeclaredChannelKindFailureAnalyzerTests {

	private final ReactiveWebApplicationContextRunner contextRunner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(PushwireServerAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withUserConfiguration(OrdersHandlerConfiguration.class)
		.withPropertyValues("pushwire.server.channels.chat.subscribe=authenticated");

	@Test
	void startupFailsWithTheMethodAndTheKind() {
		this.contextRunner.run((context) -> {
			UndeclaredChannelKindException failure = InvalidPushwirePropertyFailureAnalyzerTests
				.findCause(context.getStartupFailure(), UndeclaredChannelKindException.class);
			assertThat(failure.getKind()).isEqualTo("orders");
			assertThat(failure.getMethod().getName()).isEqualTo("onOrder");
		});
	}

	@Test
	void analysisNamesTheMethodAndTheKindsProperties() {
		this.contextRunner.run((context) -> {
			FailureAnalysis analysis = new UndeclaredChannelKindFailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains(OrdersHandler.class.getName() + "#onOrder(String)",
					"'orders'");
			assertThat(analysis.getAction()).contains("pushwire.server.channels.orders.*");
		});
	}

	@Test
	void startsOnceTheKindIsDeclared() {
		this.contextRunner.withPropertyValues("pushwire.server.channels.orders.subscribe=authenticated")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Configuration(proxyBeanMethods = false)
	static class OrdersHandlerConfiguration {

		@Bean
		OrdersHandler ordersHandler() {
			return new OrdersHandler();
		}

	}

	static class OrdersHandler {

		@PushHandler("orders")
		void onOrder(String payload) {
		}

	}

}

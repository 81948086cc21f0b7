package io.pushwire.server.handler;

import java.time.Duration;
import java.util.Set;

import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.autoproxy.BeanNameAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ChannelName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PushHandlerMethodDetector}.
 */
class PushHandlerMethodDetectorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Set<String> DECLARED_KINDS = Set.of("chat", "orders", "cglib", "jdk", "iface", "system");

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(DetectorConfiguration.class);

	@Test
	void registersMethodWithMethodLevelKind() {
		this.contextRunner.withUserConfiguration(ChatHandlers.class).run((context) -> {
			ChannelHandlerRegistry registry = context.getBean(ChannelHandlerRegistry.class);
			assertThat(registry.kinds()).containsExactly("chat");
			assertThat(registry.describe("chat"))
				.isEqualTo(ChatHandlers.class.getName() + "#onMessage(Greeting, String)");
			assertReplies(context, "chat:room", "{\"text\":\"hi\"}", "hi from " + TestInvocations.CLIENT_ID);
		});
	}

	@Test
	void takesKindFromClassWhenMethodNamesNone() {
		this.contextRunner.withUserConfiguration(OrderHandlers.class).run((context) -> {
			ChannelHandlerRegistry registry = context.getBean(ChannelHandlerRegistry.class);
			assertThat(registry.kinds()).containsExactly("orders");
			assertReplies(context, "orders:user:alice", "{\"text\":\"book\"}", "placed book");
		});
	}

	@Test
	void methodLevelKindOverridesClassLevelKind() {
		this.contextRunner.withUserConfiguration(MixedKindHandlers.class).run((context) -> {
			ChannelHandlerRegistry registry = context.getBean(ChannelHandlerRegistry.class);
			assertThat(registry.kinds()).containsExactlyInAnyOrder("chat", "orders");
			assertThat(registry.describe("chat")).endsWith("MixedKindHandlers#chat(String)");
			assertThat(registry.describe("orders")).endsWith("MixedKindHandlers#orders(String)");
		});
	}

	@Test
	void findsAndCallsHandlerBehindCglibProxy() {
		this.contextRunner.withUserConfiguration(CglibProxyConfiguration.class)
			.withBean("proxiedHandlers", CglibProxiedHandlers.class)
			.run((context) -> {
				assertThat(AopUtils.isCglibProxy(context.getBean("proxiedHandlers"))).isTrue();
				assertThat(context.getBean(ChannelHandlerRegistry.class).describe("cglib"))
					.isEqualTo(CglibProxiedHandlers.class.getName() + "#echo(String)");
				assertReplies(context, "cglib", "\"hi\"", "[hi]");
			});
	}

	@Test
	void findsAndCallsHandlerAnnotatedOnTargetClassBehindJdkProxy() {
		this.contextRunner.withUserConfiguration(JdkProxyConfiguration.class)
			.withBean("proxiedEcho", JdkProxiedEcho.class)
			.run((context) -> {
				assertThat(AopUtils.isJdkDynamicProxy(context.getBean("proxiedEcho"))).isTrue();
				assertThat(context.getBean(ChannelHandlerRegistry.class).describe("jdk"))
					.isEqualTo(JdkProxiedEcho.class.getName() + "#echo(String)");
				assertReplies(context, "jdk", "\"hi\"", "[hi]");
			});
	}

	@Test
	void findsAndCallsHandlerDeclaredOnInterfaceOfProxyFactoryProxy() {
		this.contextRunner.withUserConfiguration(ProxyFactoryConfiguration.class).run((context) -> {
			assertThat(AopUtils.isJdkDynamicProxy(context.getBean(AnnotatedEcho.class))).isTrue();
			assertThat(context.getBean(ChannelHandlerRegistry.class).describe("iface"))
				.isEqualTo(PlainEcho.class.getName() + "#echo(String)");
			assertReplies(context, "iface", "\"hi\"", "[hi]");
		});
	}

	@Test
	void failsWhenJdkProxyCannotCallTheMethod() {
		this.contextRunner.withUserConfiguration(JdkProxyConfiguration.class)
			.withBean("proxiedEcho", HiddenJdkProxiedEcho.class)
			.run((context) -> assertStartupFailure(context, HiddenJdkProxiedEcho.class.getName() + "#hidden(String)",
					"interface"));
	}

	@Test
	void failsWithoutKind() {
		this.contextRunner.withUserConfiguration(NoKindHandlers.class)
			.run((context) -> assertStartupFailure(context, NoKindHandlers.class.getName() + "#handle(String)",
					"has no channel kind", "@PushHandler(\"chat\")"));
	}

	@Test
	void failsOnInvalidKind() {
		this.contextRunner.withUserConfiguration(InvalidKindHandlers.class)
			.run((context) -> assertStartupFailure(context, InvalidKindHandlers.class.getName() + "#handle(String)",
					"invalid channel kind 'Chat'"));
	}

	@Test
	void failsOnSystemKind() {
		this.contextRunner.withUserConfiguration(SystemKindHandlers.class)
			.run((context) -> assertStartupFailure(context, SystemKindHandlers.class.getName() + "#handle(String)",
					"'system'", "reserved"));
	}

	@Test
	void failsOnUndeclaredKind() {
		this.contextRunner.withUserConfiguration(UndeclaredKindHandlers.class)
			.run((context) -> assertStartupFailure(context, UndeclaredKindHandlers.class.getName() + "#handle(String)",
					"'weather', which is not declared", "declare it under pushwire.server.channels.weather"));
	}

	@Test
	void failsOnTwoPayloadParameters() {
		this.contextRunner.withUserConfiguration(TwoPayloadHandlers.class)
			.run((context) -> assertStartupFailure(context,
					TwoPayloadHandlers.class.getName() + "#handle(Greeting, String)", "two payload parameters"));
	}

	@Test
	void failsOnClientIdThatIsNotString() {
		this.contextRunner.withUserConfiguration(NumericClientIdHandlers.class)
			.run((context) -> assertStartupFailure(context,
					NumericClientIdHandlers.class.getName() + "#handle(String, Long)", "@ClientId",
					"Declare it as String"));
	}

	@Test
	void failsOnTwoHandlersForOneKindNamingBoth() {
		this.contextRunner.withUserConfiguration(ChatHandlers.class, OtherChatHandlers.class)
			.run((context) -> assertStartupFailure(context, "'chat' has two handlers",
					ChatHandlers.class.getName() + "#onMessage(Greeting, String)",
					OtherChatHandlers.class.getName() + "#handle(String)"));
	}

	private static void assertReplies(AssertableApplicationContext context, String channel, String payloadJson,
			Object expectedPayload) {
		ChannelName kindOf = ChannelName.parse(channel);
		ChannelHandler handler = context.getBean(ChannelHandlerRegistry.class).find(kindOf.kind());
		assertThat(handler).isNotNull();
		StepVerifier.create(handler.handle(TestInvocations.invocation(channel, payloadJson)))
			.expectNext(PushReply.of(expectedPayload))
			.expectComplete()
			.verify(TIMEOUT);
	}

	private static void assertStartupFailure(AssertableApplicationContext context, String... messageParts) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		assertThat(failure).isInstanceOf(IllegalStateException.class);
		for (String part : messageParts) {
			assertThat(failure.getMessage()).containsIgnoringCase(part);
		}
	}

	/**
	 * Proxies beans whose names start with {@code proxied} with the {@code bracketing}
	 * interceptor.
	 */
	static BeanNameAutoProxyCreator bracketingProxyCreator(boolean proxyTargetClass) {
		BeanNameAutoProxyCreator creator = new BeanNameAutoProxyCreator();
		creator.setBeanNames("proxied*");
		creator.setInterceptorNames("bracketing");
		creator.setProxyTargetClass(proxyTargetClass);
		return creator;
	}

	/**
	 * Brackets String results, so that a reply shows whether the call went through the
	 * proxy.
	 */
	static MethodInterceptor bracketingInterceptor() {
		return (invocation) -> {
			Object result = invocation.proceed();
			return (invocation.getMethod().getReturnType() == String.class) ? "[" + result + "]" : result;
		};
	}

	@Configuration(proxyBeanMethods = false)
	static class DetectorConfiguration {

		@Bean
		ChannelHandlerRegistry channelHandlerRegistry() {
			return new ChannelHandlerRegistry();
		}

		@Bean
		PushHandlerMethodDetector pushHandlerMethodDetector(ChannelHandlerRegistry registry) {
			return new PushHandlerMethodDetector(registry, JsonMapper.builder().build(), DECLARED_KINDS::contains);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CglibProxyConfiguration {

		@Bean
		static BeanNameAutoProxyCreator proxyCreator() {
			return bracketingProxyCreator(true);
		}

		@Bean
		static MethodInterceptor bracketing() {
			return bracketingInterceptor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class JdkProxyConfiguration {

		@Bean
		static BeanNameAutoProxyCreator proxyCreator() {
			return bracketingProxyCreator(false);
		}

		@Bean
		static MethodInterceptor bracketing() {
			return bracketingInterceptor();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProxyFactoryConfiguration {

		@Bean
		AnnotatedEcho echo() {
			ProxyFactory factory = new ProxyFactory(new PlainEcho());
			factory.addAdvice(bracketingInterceptor());
			return (AnnotatedEcho) factory.getProxy();
		}

	}

	record Greeting(String text) {
	}

	static class ChatHandlers {

		@PushHandler("chat")
		String onMessage(Greeting greeting, @ClientId String clientId) {
			return greeting.text() + " from " + clientId;
		}

	}

	static class OtherChatHandlers {

		@PushHandler(kind = "chat")
		void handle(String text) {
		}

	}

	@PushHandler("orders")
	static class OrderHandlers {

		@PushHandler
		String place(Greeting order) {
			return "placed " + order.text();
		}

		String notAHandler(Greeting order) {
			return "not " + order.text();
		}

	}

	@PushHandler("orders")
	static class MixedKindHandlers {

		@PushHandler("chat")
		String chat(String text) {
			return text;
		}

		@PushHandler
		String orders(String text) {
			return text;
		}

	}

	public static class CglibProxiedHandlers {

		@PushHandler("cglib")
		public String echo(String text) {
			return text;
		}

	}

	interface Echo {

		String echo(String text);

	}

	static class JdkProxiedEcho implements Echo {

		@Override
		@PushHandler("jdk")
		public String echo(String text) {
			return text;
		}

	}

	public static class HiddenJdkProxiedEcho implements Echo {

		@Override
		public String echo(String text) {
			return text;
		}

		@PushHandler("jdk")
		public String hidden(String text) {
			return text;
		}

	}

	interface AnnotatedEcho {

		@PushHandler("iface")
		String echo(@Payload String text);

	}

	static class PlainEcho implements AnnotatedEcho {

		@Override
		public String echo(String text) {
			return text;
		}

	}

	static class NoKindHandlers {

		@PushHandler
		void handle(String text) {
		}

	}

	static class InvalidKindHandlers {

		@PushHandler("Chat")
		void handle(String text) {
		}

	}

	static class SystemKindHandlers {

		@PushHandler("system")
		void handle(String text) {
		}

	}

	static class UndeclaredKindHandlers {

		@PushHandler("weather")
		void handle(String text) {
		}

	}

	static class TwoPayloadHandlers {

		@PushHandler("chat")
		void handle(Greeting greeting, String text) {
		}

	}

	static class NumericClientIdHandlers {

		@PushHandler("chat")
		void handle(String text, @ClientId Long clientId) {
		}

	}

}

package io.pushwire.server.handler;

import java.io.IOException;
import java.lang.reflect.Method;
import java.security.Principal;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.security.AnonymousPrincipal;
import io.pushwire.server.PushSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link InvocablePushHandlerMethod}.
 */
class InvocablePushHandlerMethodTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final JsonMapper mapper = JsonMapper.builder().build();

	private final Handlers handlers = new Handlers();

	@Test
	void convertsPayloadToRecord() {
		StepVerifier.create(handle("greet", "{\"text\":\"hi\",\"count\":2}"))
			.expectNext(PushReply.of("hi x2"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void convertsPayloadHonouringGenerics() {
		StepVerifier.create(handle("lastOf", "[{\"text\":\"a\",\"count\":1},{\"text\":\"b\",\"count\":2}]"))
			.expectNext(PushReply.of("b"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void passesRawPayloadToJsonNodeParameter() {
		HandlerInvocation invocation = TestInvocations.invocation("chat:room", "{\"any\":[1,2]}");
		StepVerifier.create(handler("raw").handle(invocation))
			.assertNext((reply) -> assertThat(reply.payload()).isSameAs(invocation.frame().payload()))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void convertsAnnotatedPayloadNextToOtherArguments() {
		StepVerifier.create(handle("annotatedPayload", "\"hello\""))
			.expectNext(PushReply.of("hello from " + TestInvocations.CLIENT_ID))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void resolvesChannelAsChannelNameAndAsString() {
		StepVerifier.create(handle("channel", "null"))
			.expectNext(PushReply.of("room|chat:room"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void resolvesSessionFrameAndInvocation() {
		HandlerInvocation invocation = TestInvocations.invocation("chat:room", "{}");
		StepVerifier.create(handler("context").handle(invocation)).expectComplete().verify(TIMEOUT);
		assertThat(this.handlers.received).containsExactly(invocation.session(), invocation.frame(), invocation);
	}

	@Test
	void resolvesPrincipal() {
		StepVerifier.create(handle("principal", "null"))
			.expectNext(PushReply.of(AnonymousPrincipal.PREFIX + TestInvocations.CLIENT_ID))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void resolvesPrincipalOfNarrowerType() {
		Authentication alice = UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of());
		StepVerifier.create(handler("authentication").handle(TestInvocations.invocation("chat:room", "null", alice)))
			.expectNext(PushReply.of("alice"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void rejectsSenderWhosePrincipalIsNotOfTheRequiredType() {
		StepVerifier.create(handle("authentication", "null")).expectErrorSatisfies((ex) -> {
			assertThat(ex).isInstanceOf(PushHandlerException.class);
			assertThat(((PushHandlerException) ex).code()).isEqualTo(ErrorCode.FORBIDDEN);
			assertThat(ex).hasMessageContaining("'chat:room'").hasMessageContaining("Authentication");
		}).verify(TIMEOUT);
	}

	@Test
	void passesNullToNullablePrincipalOfAnotherType() {
		StepVerifier.create(handle("optionalAuthentication", "null"))
			.expectNext(PushReply.of("nobody"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void unreadablePayloadIsBadMessageNamingChannelAndType() {
		StepVerifier.create(handle("greet", "[1,2]")).expectErrorSatisfies((ex) -> {
			assertThat(ex).isInstanceOf(PushHandlerException.class);
			assertThat(((PushHandlerException) ex).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
			assertThat(ex).hasMessageStartingWith("Payload on 'chat:room' cannot be read as Greeting: ")
				.hasMessageNotContaining("io.pushwire");
		}).verify(TIMEOUT);
	}

	@Test
	void unreadableGenericPayloadNamesTheGenericType() {
		StepVerifier.create(handle("lastOf", "{\"text\":\"a\"}"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(PushHandlerException.class)
				.hasMessageStartingWith("Payload on 'chat:room' cannot be read as List<Greeting>: "))
			.verify(TIMEOUT);
	}

	@Test
	void unreadableValueInsidePayloadIsNamedByItsPath() {
		StepVerifier.create(handle("lastOf", "[{\"text\":\"a\",\"count\":1},{\"text\":{},\"count\":2}]"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(PushHandlerException.class)
				.hasMessageStartingWith("Payload on 'chat:room' cannot be read as List<Greeting>: ")
				.hasMessageEndingWith(" at [1].text"))
			.verify(TIMEOUT);
	}

	@Test
	void nullPayloadForPrimitiveIsBadMessage() {
		StepVerifier.create(handle("square", "null")).expectErrorSatisfies((ex) -> {
			assertThat(ex).isInstanceOf(PushHandlerException.class);
			assertThat(((PushHandlerException) ex).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
			assertThat(ex).hasMessageStartingWith("Payload on 'chat:room' cannot be read as int: ");
		}).verify(TIMEOUT);
	}

	@Test
	void voidMethodIsCalledAndRepliesNothing() {
		StepVerifier.create(handle("nothing", "\"x\"")).expectComplete().verify(TIMEOUT);
		assertThat(this.handlers.received).containsExactly("x");
	}

	@Test
	void plainValueBecomesReplyToTheFrameChannel() {
		StepVerifier.create(handle("square", "7")).expectNext(PushReply.of(49)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void pushReplyIsEmittedAsItIs() {
		StepVerifier.create(handle("forward", "\"x\""))
			.expectNext(PushReply.transientTo("chat:other", "x"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void nullReturnValueRepliesNothing() {
		StepVerifier.create(handle("returnsNull", "null")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void monoValueBecomesReply() {
		StepVerifier.create(handle("mono", "\"x\""))
			.expectNext(PushReply.of("mono:x"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void emptyMonoRepliesNothing() {
		StepVerifier.create(handle("emptyMono", "null")).expectComplete().verify(TIMEOUT);
	}

	@Test
	void fluxElementsBecomeRepliesInOrder() {
		StepVerifier.create(handle("flux", "null"))
			.expectNext(PushReply.of("a"), PushReply.to("chat:other", "b"), PushReply.of("c"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void otherReactiveTypesAreAdapted() {
		StepVerifier.create(handle("future", "\"x\""))
			.expectNext(PushReply.of("future:x"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void blockingMethodRunsOnBoundedElastic() {
		InvocablePushHandlerMethod handler = handler("threadOfBlocking");
		assertThat(handler.isReactive()).isFalse();
		StepVerifier.create(handler.handle(TestInvocations.invocation("chat:room", "null")))
			.assertNext((reply) -> assertThat((String) reply.payload()).contains("boundedElastic"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void reactiveMethodRunsOnSubscribingThread() {
		InvocablePushHandlerMethod handler = handler("threadOfReactive");
		assertThat(handler.isReactive()).isTrue();
		StepVerifier.create(handler.handle(TestInvocations.invocation("chat:room", "null")))
			.expectNext(PushReply.of(Thread.currentThread().getName()))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void methodIsNotCalledBeforeSubscription() {
		Flux<PushReply> replies = handle("nothing", "\"x\"");
		assertThat(this.handlers.received).isEmpty();
		StepVerifier.create(replies).expectComplete().verify(TIMEOUT);
		assertThat(this.handlers.received).containsExactly("x");
	}

	@Test
	void checkedExceptionFromBlockingMethodIsPropagatedUnwrapped() {
		StepVerifier.create(handle("failsChecked", "null"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IOException.class).hasMessage("disk on fire"))
			.verify(TIMEOUT);
	}

	@Test
	void pushHandlerExceptionFromBlockingMethodIsPropagatedAsItIs() {
		StepVerifier.create(handle("forbids", "null"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(Handlers.FORBIDDEN))
			.verify(TIMEOUT);
	}

	@Test
	void exceptionThrownByReactiveMethodBecomesErrorSignal() {
		StepVerifier.create(handle("throwsInsteadOfMono", "null"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(IllegalStateException.class).hasMessage("boom"))
			.verify(TIMEOUT);
	}

	@Test
	void errorSignalledByReactiveMethodIsPropagated() {
		StepVerifier.create(handle("signalsError", "null"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(Handlers.FORBIDDEN))
			.verify(TIMEOUT);
	}

	@Test
	void describesMethodWithItsSignature() {
		assertThat(handler("lastOf").description()).isEqualTo(Handlers.class.getName() + "#lastOf(List<Greeting>)");
	}

	@Test
	void rejectsTwoPayloadParameters() {
		assertThatIllegalStateException().isThrownBy(() -> handler("twoPayloads"))
			.withMessageContaining(Handlers.class.getName() + "#twoPayloads(Greeting, String)")
			.withMessageContaining("two payload parameters");
	}

	@Test
	void rejectsClientIdOnNonStringParameter() {
		assertThatIllegalStateException().isThrownBy(() -> handler("clientIdAsUuid"))
			.withMessageContaining(Handlers.class.getName() + "#clientIdAsUuid(UUID)")
			.withMessageContaining("@ClientId")
			.withMessageContaining("Declare it as String");
	}

	@Test
	void rejectsConflictingParameterAnnotations() {
		assertThatIllegalStateException().isThrownBy(() -> handler("conflicting"))
			.withMessageContaining(Handlers.class.getName() + "#conflicting(String)")
			.withMessageContaining("conflicting annotations");
	}

	private Flux<PushReply> handle(String methodName, String payloadJson) {
		return handler(methodName).handle(TestInvocations.invocation("chat:room", payloadJson));
	}

	private InvocablePushHandlerMethod handler(String methodName) {
		Method method = Arrays.stream(Handlers.class.getDeclaredMethods())
			.filter((candidate) -> candidate.getName().equals(methodName))
			.findFirst()
			.orElseThrow();
		return new InvocablePushHandlerMethod(this.handlers, method, this.mapper);
	}

	record Greeting(String text, int count) {
	}

	static class Handlers {

		static final PushHandlerException FORBIDDEN = new PushHandlerException(ErrorCode.FORBIDDEN, "Not yours");

		final List<Object> received = new CopyOnWriteArrayList<>();

		String greet(Greeting greeting) {
			return greeting.text() + " x" + greeting.count();
		}

		String lastOf(List<Greeting> greetings) {
			return greetings.get(greetings.size() - 1).text();
		}

		JsonNode raw(JsonNode payload) {
			return payload;
		}

		String annotatedPayload(@ClientId String clientId, @Payload String text) {
			return text + " from " + clientId;
		}

		String channel(ChannelName channel, @ChannelParam String name) {
			return channel.topic() + "|" + name;
		}

		void context(PushSession session, Frame frame, HandlerInvocation invocation) {
			this.received.addAll(List.of(session, frame, invocation));
		}

		String principal(Principal principal) {
			return principal.getName();
		}

		String authentication(Authentication authentication) {
			return authentication.getName();
		}

		String optionalAuthentication(@Nullable Authentication authentication) {
			return (authentication != null) ? authentication.getName() : "nobody";
		}

		int square(int value) {
			return value * value;
		}

		void nothing(String text) {
			this.received.add(text);
		}

		PushReply forward(String text) {
			return PushReply.transientTo("chat:other", text);
		}

		@Nullable String returnsNull() {
			return null;
		}

		Mono<String> mono(String text) {
			return Mono.just("mono:" + text);
		}

		Mono<String> emptyMono() {
			return Mono.empty();
		}

		Flux<Object> flux() {
			return Flux.just("a", PushReply.to("chat:other", "b"), "c");
		}

		CompletableFuture<String> future(String text) {
			return CompletableFuture.completedFuture("future:" + text);
		}

		String threadOfBlocking() {
			return Thread.currentThread().getName();
		}

		Mono<String> threadOfReactive() {
			return Mono.just(Thread.currentThread().getName());
		}

		String failsChecked() throws IOException {
			throw new IOException("disk on fire");
		}

		String forbids() {
			throw FORBIDDEN;
		}

		Mono<String> throwsInsteadOfMono() {
			throw new IllegalStateException("boom");
		}

		Mono<String> signalsError() {
			return Mono.error(FORBIDDEN);
		}

		void twoPayloads(Greeting greeting, String text) {
		}

		void clientIdAsUuid(@ClientId UUID clientId) {
		}

		void conflicting(@ClientId @ChannelParam String value) {
		}

	}

}

package io.pushwire.server.handler;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link ChannelHandler} that calls a {@link PushHandler @PushHandler} method.
 * <p>
 * Arguments are resolved as the {@code @PushHandler} Javadoc describes. A payload that
 * cannot be converted to the parameter's type fails the frame with {@code bad_message}. A
 * {@code Principal} parameter of a narrower type (for example Spring Security's
 * {@code Authentication}) that the sender's principal is not an instance of receives
 * {@code null} when the parameter is {@code @Nullable}, and otherwise fails the frame
 * with {@code forbidden}: the handler has said it needs that kind of sender.
 * <p>
 * A method whose return type is reactive (anything {@link ReactiveAdapterRegistry}
 * adapts, such as {@code Mono}, {@code Flux} or {@code CompletableFuture}) is called on
 * the subscribing thread and must not block. Any other method is called on
 * {@link Schedulers#boundedElastic()} so it may block. Each value emitted or returned
 * becomes a reply: a {@link PushReply} as it is, {@code null} as no reply, anything else
 * as {@link PushReply#of(Object)}. Exceptions the method throws or signals are propagated
 * as they are (not wrapped in {@link InvocationTargetException}).
 */
final class InvocablePushHandlerMethod implements ChannelHandler {

	private static final ReactiveAdapterRegistry adapterRegistry = ReactiveAdapterRegistry.getSharedInstance();

	private final Object bean;

	private final Class<?> beanType;

	private final Method method;

	private final Method invocableMethod;

	private final String description;

	private final HandlerMethodArguments arguments;

	private final boolean reactive;

	/**
	 * Create a handler calling a method on a bean.
	 * @param bean the bean, possibly an AOP proxy
	 * @param method the method to call, one the bean (or its proxy) can be invoked with
	 * @param mapper the mapper that converts payloads to parameter types
	 * @throws IllegalStateException when a parameter of the method cannot be supplied
	 */
	InvocablePushHandlerMethod(Object bean, Method method, JsonMapper mapper) {
		Assert.notNull(bean, "Bean must not be null");
		Assert.notNull(method, "Method must not be null");
		Assert.notNull(mapper, "JsonMapper must not be null");
		Assert.isTrue(method.getDeclaringClass().isInstance(bean),
				() -> "Method " + method + " cannot be invoked on bean of " + bean.getClass());
		this.bean = bean;
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		// A JDK proxy with no known target class: the interface declaring the method is
		// all we have.
		this.beanType = Proxy.isProxyClass(targetClass) ? method.getDeclaringClass() : targetClass;
		// Annotations and generics come from the method as the bean's own class declares
		// it, even
		// when the method called is the one a JDK proxy's interface declares.
		this.method = BridgeMethodResolver.findBridgedMethod(ClassUtils.getMostSpecificMethod(method, this.beanType));
		this.invocableMethod = method;
		ReflectionUtils.makeAccessible(this.invocableMethod);
		this.description = HandlerMethodDescriptions.describe(this.beanType, this.method);
		this.arguments = new HandlerMethodArguments(this.method, this.beanType, mapper, this.description);
		this.reactive = adapterRegistry.getAdapter(this.method.getReturnType()) != null;
	}

	/**
	 * The bean whose method is called.
	 * @return the bean, possibly an AOP proxy
	 */
	Object getBean() {
		return this.bean;
	}

	/**
	 * The class of the bean, behind any proxy.
	 * @return the user class
	 */
	Class<?> getBeanType() {
		return this.beanType;
	}

	/**
	 * The method as the bean's class declares it.
	 * @return the method
	 */
	Method getMethod() {
		return this.method;
	}

	/**
	 * Whether the method returns a reactive type and is therefore called without changing
	 * threads.
	 * @return {@code true} for reactive methods
	 */
	boolean isReactive() {
		return this.reactive;
	}

	/**
	 * The method's signature, as used in error messages.
	 * @return a description such as
	 * {@code com.example.ChatHandlers#onMessage(ChatMessage, String)}
	 */
	String description() {
		return this.description;
	}

	@Override
	public Flux<PushReply> handle(HandlerInvocation invocation) {
		if (this.reactive) {
			return Flux.defer(() -> {
				try {
					return toReplies(invoke(this.arguments.resolve(invocation)));
				}
				catch (Exception ex) {
					return Flux.error(ex);
				}
			});
		}
		return Mono.fromCallable(() -> invoke(this.arguments.resolve(invocation)))
			.subscribeOn(Schedulers.boundedElastic())
			.flatMapMany(this::toReplies);
	}

	private @Nullable Object invoke(@Nullable Object[] args) throws Exception {
		try {
			return this.invocableMethod.invoke(this.bean, args);
		}
		catch (InvocationTargetException ex) {
			Throwable target = ex.getTargetException();
			if (target instanceof Exception exception) {
				throw exception;
			}
			if (target instanceof Error error) {
				throw error;
			}
			throw new IllegalStateException("@PushHandler method " + this.description + " threw " + target, target);
		}
	}

	private Flux<PushReply> toReplies(@Nullable Object result) {
		if (result == null) {
			return Flux.empty();
		}
		ReactiveAdapter adapter = adapterRegistry.getAdapter(null, result);
		if (adapter == null) {
			return Flux.just(toReply(result));
		}
		Publisher<Object> publisher = adapter.toPublisher(result);
		return Flux.from(publisher).map(InvocablePushHandlerMethod::toReply);
	}

	private static PushReply toReply(Object value) {
		return (value instanceof PushReply reply) ? reply : PushReply.of(value);
	}

	@Override
	public String toString() {
		return this.description;
	}

}

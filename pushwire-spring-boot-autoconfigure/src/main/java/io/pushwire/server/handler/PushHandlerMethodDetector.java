package io.pushwire.server.handler;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ChannelName;

/**
 * Finds the {@link PushHandler @PushHandler} methods of the application context's beans
 * once all singletons exist, and registers each as the {@link ChannelHandler} of its
 * channel kind.
 * <p>
 * Beans are looked at by name, so lazy and proxied beans are found: the class behind a
 * CGLIB or JDK proxy is searched for annotations, and the method is called through the
 * proxy so that its advice (transactions, security, metrics) applies. A handler that
 * cannot work fails startup with a message naming the method: a missing, invalid,
 * reserved or undeclared channel kind, a parameter that cannot be supplied, or a second
 * handler for a kind.
 *
 * @since 0.1.0
 */
public final class PushHandlerMethodDetector implements SmartInitializingSingleton, ApplicationContextAware {

	private static final Log logger = LogFactory.getLog(PushHandlerMethodDetector.class);

	private final ChannelHandlerRegistry registry;

	private final JsonMapper mapper;

	private final Predicate<String> declaredKind;

	private @Nullable ApplicationContext applicationContext;

	/**
	 * Create a detector.
	 * @param registry the registry to register handlers with
	 * @param mapper the mapper that converts payloads to handler parameter types
	 * @param declaredKind whether a channel kind is declared by the server's
	 * configuration
	 */
	public PushHandlerMethodDetector(ChannelHandlerRegistry registry, JsonMapper mapper,
			Predicate<String> declaredKind) {
		Assert.notNull(registry, "ChannelHandlerRegistry must not be null");
		Assert.notNull(mapper, "JsonMapper must not be null");
		Assert.notNull(declaredKind, "DeclaredKind must not be null");
		this.registry = registry;
		this.mapper = mapper;
		this.declaredKind = declaredKind;
	}

	@Override
	public void setApplicationContext(ApplicationContext applicationContext) {
		this.applicationContext = applicationContext;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ApplicationContext context = this.applicationContext;
		Assert.state(context != null, "ApplicationContext has not been set");
		for (String beanName : context.getBeanNamesForType(Object.class)) {
			// The scoped proxy is searched instead: it is the bean that other beans use.
			if (ScopedProxyUtils.isScopedTarget(beanName)) {
				continue;
			}
			Class<?> beanType = determineTargetClass(context, beanName);
			if (beanType != null && AnnotationUtils.isCandidateClass(beanType, PushHandler.class)) {
				detectHandlerMethods(context, beanName, ClassUtils.getUserClass(beanType));
			}
		}
	}

	private static @Nullable Class<?> determineTargetClass(ApplicationContext context, String beanName) {
		try {
			AutowireCapableBeanFactory beanFactory = context.getAutowireCapableBeanFactory();
			if (beanFactory instanceof ConfigurableListableBeanFactory listableBeanFactory) {
				// Knows the class behind a JDK proxy made by an auto-proxy creator.
				return AutoProxyUtils.determineTargetClass(listableBeanFactory, beanName);
			}
			return context.getType(beanName);
		}
		catch (Throwable ex) {
			// An unresolvable bean type, probably from a lazy bean: it cannot be a
			// handler we can call.
			if (logger.isDebugEnabled()) {
				logger.debug("Could not resolve target class for bean with name '" + beanName + "'", ex);
			}
			return null;
		}
	}

	private void detectHandlerMethods(ApplicationContext context, String beanName, Class<?> userType) {
		Map<Method, PushHandler> methods = MethodIntrospector.selectMethods(userType,
				(MethodIntrospector.MetadataLookup<PushHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, PushHandler.class));
		if (methods.isEmpty()) {
			if (AnnotatedElementUtils.hasAnnotation(userType, PushHandler.class) && logger.isWarnEnabled()) {
				logger.warn("Bean '" + beanName + "' of " + userType.getName() + " is annotated @PushHandler but"
						+ " none of its methods is; annotate the methods that handle frames");
			}
			return;
		}
		Object bean = context.getBean(beanName);
		methods.forEach((method, annotation) -> register(bean, beanName, userType, method, annotation));
	}

	private void register(Object bean, String beanName, Class<?> userType, Method method, PushHandler annotation) {
		Method invocableMethod;
		try {
			invocableMethod = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			String description = HandlerMethodDescriptions.describe(userType, method);
			throw new IllegalStateException("@PushHandler method " + description + " cannot be called on bean '"
					+ beanName + "': " + ex.getMessage(), ex);
		}
		InvocablePushHandlerMethod handler = new InvocablePushHandlerMethod(bean, invocableMethod, this.mapper);
		String kind = resolveKind(annotation, handler, userType);
		if (logger.isDebugEnabled()) {
			logger.debug("Registering @PushHandler method " + handler.description() + " for kind '" + kind + "'");
		}
		this.registry.register(kind, handler, handler.description());
	}

	private String resolveKind(PushHandler annotation, InvocablePushHandlerMethod handler, Class<?> userType) {
		String kind = annotation.kind();
		if (kind.isEmpty()) {
			PushHandler typeLevel = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(),
					PushHandler.class);
			if (typeLevel == null) {
				typeLevel = AnnotatedElementUtils.findMergedAnnotation(userType, PushHandler.class);
			}
			kind = (typeLevel != null) ? typeLevel.kind() : "";
		}
		String description = handler.description();
		if (kind.isEmpty()) {
			throw new IllegalStateException("@PushHandler method " + description + " has no channel kind. Name it on"
					+ " the method, @PushHandler(\"chat\"), or on its class for all of its methods.");
		}
		if (!ChannelName.isValidKind(kind)) {
			throw new IllegalStateException("@PushHandler method " + description + " names the invalid channel kind '"
					+ kind + "'. A kind is 1 to 32 characters of [a-z0-9_-] starting with a letter.");
		}
		if (ChannelName.SYSTEM_KIND.equals(kind)) {
			throw new IllegalStateException("@PushHandler method " + description + " handles the channel kind '" + kind
					+ "', which is reserved for control traffic. Choose another kind.");
		}
		if (!this.declaredKind.test(kind)) {
			throw new UndeclaredChannelKindException(handler.getMethod(), description, kind);
		}
		return kind;
	}

}

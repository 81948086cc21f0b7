package io.pushwire.server.handler;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Readable descriptions of handler methods and their types, for startup errors and for
 * the messages that clients receive.
 */
final class HandlerMethodDescriptions {

	private HandlerMethodDescriptions() {
	}

	/**
	 * Describe a method as
	 * {@code com.example.ChatHandlers#onMessage(List<ChatMessage>, String)}.
	 * @param beanType the class of the bean the method belongs to
	 * @param method the method
	 * @return the description
	 */
	static String describe(Class<?> beanType, Method method) {
		return beanType.getName() + "#" + method.getName()
				+ Arrays.stream(method.getGenericParameterTypes())
					.map(HandlerMethodDescriptions::typeName)
					.collect(Collectors.joining(", ", "(", ")"));
	}

	/**
	 * A type with simple class names, keeping its generics: {@code List<ChatMessage>}.
	 * @param type the type
	 * @return the name
	 */
	static String typeName(Type type) {
		if (type instanceof Class<?> clazz) {
			return clazz.getSimpleName();
		}
		if (type instanceof ParameterizedType parameterized) {
			return typeName(parameterized.getRawType()) + Arrays.stream(parameterized.getActualTypeArguments())
				.map(HandlerMethodDescriptions::typeName)
				.collect(Collectors.joining(", ", "<", ">"));
		}
		if (type instanceof GenericArrayType array) {
			return typeName(array.getGenericComponentType()) + "[]";
		}
		if (type instanceof WildcardType wildcard) {
			if (wildcard.getLowerBounds().length > 0) {
				return "? super " + typeName(wildcard.getLowerBounds()[0]);
			}
			Type upper = wildcard.getUpperBounds()[0];
			return (upper == Object.class) ? "?" : "? extends " + typeName(upper);
		}
		return type.getTypeName();
	}

}

package io.pushwire.server.handler;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.GenericTypeResolver;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedMethod;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.pushwire.core.ChannelName;
import io.pushwire.core.ErrorCode;
import io.pushwire.core.Frame;
import io.pushwire.server.PushSession;

/**
 * The arguments of one {@link PushHandler @PushHandler} method, worked out once from its
 * parameters (following the rules in the {@code @PushHandler} Javadoc) and resolved for
 * each frame.
 */
final class HandlerMethodArguments {

	private static final Log logger = LogFactory.getLog(HandlerMethodArguments.class);

	private static final Pattern QUALIFIED_NAME = Pattern
		.compile("\\b(?:[a-z_][a-z0-9_]*\\.)+(?:[A-Z]\\w*\\$)*([A-Z]\\w*)");

	private static final int MAX_REASON_LENGTH = 200;

	private final List<Argument> arguments;

	private final JsonMapper mapper;

	/**
	 * Work out the arguments of a method.
	 * @param method the method, as declared on the bean's class (for annotations and
	 * generics)
	 * @param beanType the bean's class
	 * @param mapper the mapper that converts payloads
	 * @param description the method's signature, for error messages
	 * @throws IllegalStateException when a parameter cannot be supplied
	 */
	HandlerMethodArguments(Method method, Class<?> beanType, JsonMapper mapper, String description) {
		this.mapper = mapper;
		this.arguments = new ArrayList<>();
		MethodParameter payload = null;
		for (MethodParameter parameter : new AnnotatedMethod(method).getMethodParameters()) {
			parameter = parameter.withContainingClass(beanType);
			Source source = sourceOf(parameter, description);
			JavaType payloadType = null;
			if (source == Source.PAYLOAD) {
				if (payload != null) {
					throw new IllegalStateException("@PushHandler method " + description
							+ " has two payload parameters (" + position(payload) + " and " + position(parameter)
							+ "). Keep one, or annotate the others so they bind to something else (@ClientId,"
							+ " @ChannelParam).");
				}
				payload = parameter;
				Type type = GenericTypeResolver.resolveType(parameter.getGenericParameterType(), beanType);
				payloadType = mapper.getTypeFactory().constructType(type);
			}
			this.arguments.add(new Argument(source, parameter, payloadType));
		}
	}

	private static Source sourceOf(MethodParameter parameter, String description) {
		Class<?> type = parameter.getParameterType();
		boolean payload = parameter.hasParameterAnnotation(Payload.class);
		boolean clientId = parameter.hasParameterAnnotation(ClientId.class);
		boolean channel = parameter.hasParameterAnnotation(ChannelParam.class);
		if ((payload ? 1 : 0) + (clientId ? 1 : 0) + (channel ? 1 : 0) > 1) {
			throw new IllegalStateException("@PushHandler method " + description + " has conflicting annotations on "
					+ position(parameter) + ". Use one of @Payload, @ClientId and @ChannelParam.");
		}
		if (payload) {
			return Source.PAYLOAD;
		}
		if (clientId) {
			requireType(parameter, String.class, "@ClientId", description);
			return Source.CLIENT_ID;
		}
		if (channel) {
			if (type == ChannelName.class) {
				return Source.CHANNEL;
			}
			requireType(parameter, String.class, "@ChannelParam", description);
			return Source.CHANNEL_VALUE;
		}
		if (type == ChannelName.class) {
			return Source.CHANNEL;
		}
		if (Principal.class.isAssignableFrom(type)) {
			return Source.PRINCIPAL;
		}
		if (type == PushSession.class) {
			return Source.SESSION;
		}
		if (type == Frame.class) {
			return Source.FRAME;
		}
		if (type == HandlerInvocation.class) {
			return Source.INVOCATION;
		}
		return Source.PAYLOAD;
	}

	private static void requireType(MethodParameter parameter, Class<?> required, String annotation,
			String description) {
		if (parameter.getParameterType() != required) {
			throw new IllegalStateException("@PushHandler method " + description + " declares " + annotation + " on "
					+ position(parameter) + ". Declare it as " + required.getSimpleName() + ".");
		}
	}

	private static String position(MethodParameter parameter) {
		return "parameter " + parameter.getParameterIndex() + " ("
				+ HandlerMethodDescriptions.typeName(parameter.getGenericParameterType()) + ")";
	}

	/**
	 * The arguments for a frame.
	 * @param invocation the frame and its sender
	 * @return the arguments, in parameter order
	 * @throws PushHandlerException with {@code bad_message} when the payload cannot be
	 * converted, or {@code forbidden} when the sender's principal is not of the type a
	 * parameter requires
	 */
	@Nullable Object[] resolve(HandlerInvocation invocation) {
		@Nullable Object[] args = new Object[this.arguments.size()];
		for (int i = 0; i < args.length; i++) {
			args[i] = resolve(this.arguments.get(i), invocation);
		}
		return args;
	}

	private @Nullable Object resolve(Argument argument, HandlerInvocation invocation) {
		return switch (argument.source()) {
			case PAYLOAD -> readPayload(argument, invocation);
			case CHANNEL -> invocation.channel();
			case CHANNEL_VALUE -> invocation.channel().value();
			case CLIENT_ID -> invocation.clientId();
			case PRINCIPAL -> principal(argument.parameter(), invocation);
			case SESSION -> invocation.session();
			case FRAME -> invocation.frame();
			case INVOCATION -> invocation;
		};
	}

	private @Nullable Object readPayload(Argument argument, HandlerInvocation invocation) {
		JsonNode payload = invocation.frame().payload();
		JavaType type = argument.payloadType();
		if (type == null || (type.isTypeOrSubTypeOf(JsonNode.class) && type.getRawClass().isInstance(payload))) {
			return payload;
		}
		Object value;
		try {
			value = this.mapper.treeToValue(payload, type);
		}
		catch (JacksonException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("Payload on '" + invocation.channel() + "' cannot be read as " + type, ex);
			}
			throw cannotRead(argument, invocation, shortReason(ex));
		}
		if (value == null && argument.parameter().getParameterType().isPrimitive()) {
			throw cannotRead(argument, invocation, "the payload is null");
		}
		return value;
	}

	private static PushHandlerException cannotRead(Argument argument, HandlerInvocation invocation, String reason) {
		String type = HandlerMethodDescriptions.typeName(argument.parameter().getGenericParameterType());
		return new PushHandlerException(ErrorCode.BAD_MESSAGE,
				"Payload on '" + invocation.channel() + "' cannot be read as " + type + ": " + reason);
	}

	/**
	 * Jackson's message without location, cut to its first line and with package names
	 * removed (the client sees it, and it should not learn the application's class
	 * layout), followed by the path to the offending value.
	 * @param ex the failure to read the payload
	 * @return the reason to tell the client
	 */
	private static String shortReason(JacksonException ex) {
		String message = ex.getOriginalMessage();
		if (message == null || message.isBlank()) {
			return ex.getClass().getSimpleName();
		}
		int newline = message.indexOf('\n');
		message = (newline >= 0) ? message.substring(0, newline) : message;
		message = QUALIFIED_NAME.matcher(message).replaceAll("$1").strip();
		message = (message.length() <= MAX_REASON_LENGTH) ? message
				: message.substring(0, MAX_REASON_LENGTH - 3) + "...";
		String path = path(ex);
		return path.isEmpty() ? message : message + " at " + path;
	}

	/**
	 * Where in the payload reading failed, as {@code items[1].text}, or empty at the top
	 * level.
	 * @param ex the failure to read the payload
	 * @return the path, possibly empty
	 */
	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append((path.length() > 0) ? "." : "").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static @Nullable Principal principal(MethodParameter parameter, HandlerInvocation invocation) {
		Principal principal = invocation.principal();
		if (parameter.getParameterType().isInstance(principal)) {
			return principal;
		}
		if (parameter.isOptional()) {
			return null;
		}
		throw new PushHandlerException(ErrorCode.FORBIDDEN,
				"Frames on '" + invocation.channel() + "' are accepted only from clients authenticated as "
						+ parameter.getParameterType().getSimpleName() + "; connect with such credentials");
	}

	private enum Source {

		PAYLOAD, CHANNEL, CHANNEL_VALUE, CLIENT_ID, PRINCIPAL, SESSION, FRAME, INVOCATION

	}

	private record Argument(Source source, MethodParameter parameter, @Nullable JavaType payloadType) {
	}

}

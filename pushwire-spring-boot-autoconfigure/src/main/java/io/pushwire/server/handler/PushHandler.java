package io.pushwire.server.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;
import org.springframework.stereotype.Component;

/**
 * Marks a bean whose methods handle frames that clients send, and the methods themselves.
 * <p>
 * On a class it is a {@link Component @Component} stereotype, and its {@code value} is
 * the default channel kind of its methods. On a method it names the channel kind the
 * method handles (or takes the class's). A kind has at most one handler. Handler methods
 * may declare, in any order:
 * <ul>
 * <li>the payload: any parameter not listed below (or annotated
 * {@link Payload @Payload}), converted from JSON to the declared type;</li>
 * <li>{@link io.pushwire.core.ChannelName} or a {@code String} annotated
 * {@link ChannelParam @ChannelParam}: the frame's channel;</li>
 * <li>a {@code String} annotated {@link ClientId @ClientId}: the sending client's
 * id;</li>
 * <li>{@link java.security.Principal} (or Spring Security's {@code Authentication}): the
 * sender; when the sender's principal is not of the declared type the parameter is
 * {@code null} if it is {@code @Nullable}, and the frame is otherwise refused with
 * {@code forbidden};</li>
 * <li>{@link io.pushwire.server.PushSession}, {@link io.pushwire.core.Frame},
 * {@link HandlerInvocation}.</li>
 * </ul>
 * The return value may be {@code void}, a value, a {@link PushReply}, or a {@code Mono}
 * or {@code Flux} of either: each value is published to the frame's channel (a
 * {@code PushReply} says where else). Methods returning a plain value or {@code void} run
 * on a bounded elastic scheduler so they may block; reactive methods run on the
 * connection's thread and must not.
 *
 * @since 0.1.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface PushHandler {

	/**
	 * Alias for {@link #kind()}.
	 * @return the channel kind
	 */
	@AliasFor("kind")
	String value() default "";

	/**
	 * The channel kind handled: on a method, the kind it handles (empty to use the
	 * class's); on a class, the default for its methods.
	 * @return the channel kind
	 */
	@AliasFor("value")
	String kind() default "";

}

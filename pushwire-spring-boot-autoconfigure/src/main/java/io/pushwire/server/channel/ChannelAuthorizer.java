package io.pushwire.server.channel;

import java.security.Principal;

import reactor.core.publisher.Mono;

import io.pushwire.core.ChannelName;
import io.pushwire.security.AccessRule;

/**
 * Decides per principal and channel who may subscribe and who may publish (PROTOCOL.md
 * §7). The default applies each kind's {@link AccessRule}s; declare a bean to decide
 * otherwise.
 *
 * @since 0.1.0
 */
public interface ChannelAuthorizer {

	/**
	 * Whether a principal may subscribe to a channel.
	 * @param principal the principal
	 * @param channel the channel
	 * @param kind the channel's kind
	 * @return {@code true} when allowed
	 */
	Mono<Boolean> canSubscribe(Principal principal, ChannelName channel, ChannelKind kind);

	/**
	 * Whether a principal may send frames on a channel.
	 * @param principal the principal
	 * @param channel the channel
	 * @param kind the channel's kind
	 * @return {@code true} when allowed
	 */
	Mono<Boolean> canPublish(Principal principal, ChannelName channel, ChannelKind kind);

	/**
	 * The authorizer that applies each kind's declared rules.
	 * @return the authorizer
	 */
	static ChannelAuthorizer declarative() {
		return DeclarativeChannelAuthorizer.INSTANCE;
	}

}

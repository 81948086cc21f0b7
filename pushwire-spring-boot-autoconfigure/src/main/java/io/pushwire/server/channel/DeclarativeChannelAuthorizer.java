package io.pushwire.server.channel;

import java.security.Principal;

import reactor.core.publisher.Mono;

import io.pushwire.core.ChannelName;
import io.pushwire.security.AccessRule;

/**
 * Applies the {@link AccessRule}s declared on each {@link ChannelKind}.
 */
final class DeclarativeChannelAuthorizer implements ChannelAuthorizer {

	static final DeclarativeChannelAuthorizer INSTANCE = new DeclarativeChannelAuthorizer();

	private static final Mono<Boolean> TRUE = Mono.just(true);

	private static final Mono<Boolean> FALSE = Mono.just(false);

	@Override
	public Mono<Boolean> canSubscribe(Principal principal, ChannelName channel, ChannelKind kind) {
		return kind.subscribe().allows(principal, channel) ? TRUE : FALSE;
	}

	@Override
	public Mono<Boolean> canPublish(Principal principal, ChannelName channel, ChannelKind kind) {
		return kind.publish().allows(principal, channel) ? TRUE : FALSE;
	}

}

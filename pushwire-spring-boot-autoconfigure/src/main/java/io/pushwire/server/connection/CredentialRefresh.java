package io.pushwire.server.connection;

import java.security.Principal;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.pushwire.core.ErrorCode;
import io.pushwire.core.SystemOp;
import io.pushwire.server.channel.ChannelAuthorizer;
import io.pushwire.server.channel.ChannelRegistry.ResolvedChannel;

/**
 * Answers {@code refresh}: new credentials for the same principal (PROTOCOL.md §7.1).
 * Every subscribed channel is authorized again for them, then they replace the old ones:
 * {@code refreshed}, the expiry timer moved, and an {@code error forbidden} per channel
 * no longer allowed, then {@code unsubscribed}. Refused credentials leave the old ones in
 * force.
 */
final class CredentialRefresh implements OpHandler<SystemOp.Refresh> {

	private final ClientAuthenticator authenticator;

	private final ClientChannels channels;

	private final ChannelAuthorizer authorizer;

	private final ChannelSubscriber subscriber;

	CredentialRefresh(ClientAuthenticator authenticator, ClientChannels channels, ChannelAuthorizer authorizer,
			ChannelSubscriber subscriber) {
		this.authenticator = authenticator;
		this.channels = channels;
		this.authorizer = authorizer;
		this.subscriber = subscriber;
	}

	@Override
	public Mono<Void> handle(ClientConnection connection, SystemOp.Refresh refresh) {
		Principal current = connection.requirePrincipal();
		DefaultPushSession session = connection.requireSession();
		return this.authenticator.reauthenticate(refresh.token(), current).flatMap((principal) -> {
			Long expiresAtMs = ExpiryTimer.epochMillis(this.authenticator.credentialsExpiry(principal));
			return Flux.fromIterable(connection.subscriptions().snapshot()).concatMap((subscription) -> {
				ResolvedChannel resolved = this.channels.resolveKnown(subscription.channel());
				return this.authorizer.canSubscribe(principal, resolved.name(), resolved.kind())
					.defaultIfEmpty(false)
					.filter((allowed) -> !allowed)
					.map((refused) -> subscription);
			}).collectList().doOnNext((revoked) -> refreshed(connection, principal, expiresAtMs, revoked, session));
		}).then();
	}

	private void refreshed(ClientConnection connection, Principal principal, @Nullable Long expiresAtMs,
			List<ChannelSubscription> revoked, DefaultPushSession session) {
		if (connection.closeReason() != null) {
			return;
		}
		ChannelSubscriber.Revoked removed = this.subscriber.revoke(connection, session, revoked);
		connection.credentialsRefreshed(principal, expiresAtMs);
		// refreshed first: an error that follows it with a channel is a revoked channel,
		// not a refused refresh.
		connection.send(new SystemOp.Refreshed(expiresAtMs));
		for (String channel : removed.channels()) {
			connection.send(SystemOp.Error.of(ErrorCode.FORBIDDEN,
					"No longer allowed to subscribe to " + channel + " with the refreshed credentials", channel));
		}
		if (!removed.channels().isEmpty()) {
			this.subscriber.sendUnsubscribed(connection, removed.channels(), removed.lowest());
		}
		new ArrayList<>(removed.channels()).forEach((channel) -> this.subscriber.presenceLeft(connection, channel));
	}

}
